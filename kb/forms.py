from __future__ import annotations

from django import forms
from django.conf import settings


class PasteField(forms.CharField):
    def to_python(self, value):
        # NUL bytes become spaces, so the engine's offsets still point into this text.
        return super().to_python(value).replace("\x00", " ")


class PasteForm(forms.Form):
    q = PasteField(required=False, strip=False, widget=forms.Textarea)

    too_large = False

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        limit = settings.MAILFIX_MAX_PASTE_BYTES
        if len(text.encode("utf-8", "surrogatepass")) > limit:
            self.too_large = True
            raise forms.ValidationError(
                f"This text is larger than {limit // 1024} KB, more than we can read at once. "
                "Paste only the error part: the lines near the top that mention the error code "
                "or the words “failed”, “rejected” or “undeliverable”."
            )
        return text
