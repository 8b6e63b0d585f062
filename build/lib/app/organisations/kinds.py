"""The kinds of public body Charter knows."""

KINDS = {
    "department": "Ministerial or non-ministerial department",
    "agency": "Executive agency or arm's-length body",
    "local_authority": "Local authority",
    "nhs_body": "NHS body",
    "other": "Other public body",
}
