"""claimbot: claims and events from policy news, answered in Slack, Discord and a console."""

__version__ = "0.1.0"
