from __future__ import annotations

from django import forms


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], required=False, coerce=lambda v: v == "yes", empty_value=None,
    )
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)

    def clean_comment(self) -> str:
        return self.cleaned_data["comment"].replace("\x00", "").strip()
