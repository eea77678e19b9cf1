"""Text in, claims and events out.  No chat, no storage: pure functions over text."""

EXTRACTOR_VERSION = "claimbot-extract/0.2"  # 0.2: speaker first, actor with evidence, role
