"""Mail providers the engine can recognise, by key."""

PROVIDERS: dict[str, str] = {
    "google": "Google (Gmail, Google Workspace)",
    "microsoft": "Microsoft (Outlook.com, Microsoft 365, Exchange Online)",
    "yahoo": "Yahoo",
    "aol": "AOL",
    "apple": "Apple iCloud Mail",
    "amazonses": "Amazon SES",
    "sendgrid": "SendGrid",
    "mailgun": "Mailgun",
    "zoho": "Zoho Mail",
    "gmx": "GMX / Web.de",
    "yandex": "Yandex",
    "mailru": "Mail.ru",
    "comcast": "Comcast",
    "att": "AT&T",
    "cox": "Cox",
    "godaddy": "GoDaddy",
    "proofpoint": "Proofpoint",
    "mimecast": "Mimecast",
    "barracuda": "Barracuda",
    "cloudflare": "Cloudflare",
    "spamhaus": "Spamhaus",
    "outlook-client": "Microsoft Outlook (mail program)",
    "thunderbird": "Mozilla Thunderbird",
    "apple-mail": "Apple Mail",
    "windows": "Windows (sockets)",
    "nodemailer": "Nodemailer",
    "python": "Python smtplib",
    "phpmailer": "PHPMailer",
}

PROVIDER_CHOICES = [("", "Any provider")] + sorted(PROVIDERS.items(), key=lambda kv: kv[1].lower())
