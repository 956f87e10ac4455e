"""The reason vocabulary shared by symptoms, articles and diagnoses.

It is Sisimai's (v5.6+), so our results can be compared with its maintainers'
hand-checked labels. Descriptions are ours.
"""

REASONS: dict[str, str] = {
    "authfailure": "The message failed sender authentication (SPF, DKIM or DMARC).",
    "badreputation": "The receiver distrusts the reputation of the sending IP address or domain.",
    "blocked": "The sending server was refused for its IP address or host name, before the message was judged.",
    "contenterror": "The message's format, headers or attachments were refused.",
    "delivered": "Not a failure: the report says the message was delivered.",
    "emailtoolarge": "The message is over a size or per-message limit of the receiver.",
    "expired": "The sending server gave up after retrying for its whole queue lifetime.",
    "failedstarttls": "Encryption (STARTTLS/TLS) was required but not offered, or the handshake failed.",
    "feedback": "Not a bounce: a complaint (feedback loop) report from a mailbox provider.",
    "filtered": "The recipient exists but a filter or a recipient-side setting refused the message.",
    "hasmoved": "The recipient's mailbox has moved and mail is not forwarded.",
    "hostunknown": "The recipient's domain does not exist or cannot receive mail.",
    "mailboxfull": "The recipient's mailbox is over its quota.",
    "mailererror": "A local delivery program on the receiving server failed.",
    "networkerror": "A network problem: DNS lookup, routing loop, unreachable or failing connection.",
    "norelaying": "The server does not pass on mail for that destination from this client.",
    "notaccept": "The destination accepts no mail at all.",
    "notcompliantrfc": "The message does not follow the Internet Message Format standards.",
    "onhold": "The report holds too little detail to pick a reason.",
    "policyviolation": "The message breaks a policy of the receiving site.",
    "ratelimited": "Too fast, too many connections or over a volume limit; usually temporary.",
    "rejected": "The sender address (MAIL FROM) or its domain was refused.",
    "requireptr": "The sending IP address has no, or an inconsistent, reverse-DNS (PTR) record.",
    "securityerror": "A login, authentication or other security requirement was not met.",
    "spamdetected": "A spam filter on the receiving side refused the message.",
    "suppressed": "Not attempted: the address is on the sending service's suppression list.",
    "suspend": "The recipient's account exists but is disabled, suspended or inactive.",
    "syntaxerror": "A command or argument sent by the client was malformed.",
    "systemerror": "An error on the receiving server itself (misconfiguration, internal error).",
    "systemfull": "The receiving server's disk or spool is full.",
    "undefined": "No reason could be determined.",
    "userunknown": "The recipient's address does not exist.",
    "vacation": "Not a failure: an automatic reply such as an out-of-office message.",
    "virusdetected": "A virus scanner flagged the message.",
}

# Short human labels for menus and headings.
REASON_LABELS: dict[str, str] = {
    "authfailure": "SPF, DKIM or DMARC failure",
    "badreputation": "Poor sender reputation",
    "blocked": "Sending server blocked",
    "contenterror": "Content or attachment refused",
    "delivered": "Delivered (not a failure)",
    "emailtoolarge": "Message too large",
    "expired": "Delivery expired",
    "failedstarttls": "Encryption (TLS) problem",
    "feedback": "Complaint report (not a bounce)",
    "filtered": "Filtered by the recipient",
    "hasmoved": "Mailbox has moved",
    "hostunknown": "Recipient domain unknown",
    "mailboxfull": "Mailbox full",
    "mailererror": "Delivery program failed",
    "networkerror": "Network or connection problem",
    "norelaying": "Relaying denied",
    "notaccept": "Domain accepts no mail",
    "notcompliantrfc": "Message breaks format rules",
    "onhold": "Not enough detail",
    "policyviolation": "Against the recipient's policy",
    "ratelimited": "Rate or volume limit",
    "rejected": "Sender address refused",
    "requireptr": "Missing reverse DNS",
    "securityerror": "Login or security problem",
    "spamdetected": "Detected as spam",
    "suppressed": "Suppressed address",
    "suspend": "Recipient account disabled",
    "syntaxerror": "Command syntax error",
    "systemerror": "Receiving server error",
    "systemfull": "Receiving server full",
    "undefined": "Unknown",
    "userunknown": "Recipient address unknown",
    "vacation": "Automatic reply (not a bounce)",
    "virusdetected": "Virus detected",
}

# Reports that are not delivery failures at all.
NON_FAILURES = frozenset({"delivered", "feedback", "vacation"})

# "We could not tell" reasons: never presented as a match.
UNKNOWN = frozenset({"onhold", "undefined"})

REASON_CHOICES = [(key, REASON_LABELS[key]) for key in sorted(REASONS)]
