"""Local fakes of the chat platforms: Slack's Web API, Discord's gateway and REST API."""
