"""Operations that need both Slack's Web API and the store, shared by handlers and jobs."""
