"""Reply -> Slack Block Kit, Discord embeds, plain text.  Each platform's limits live here."""
