"""Pure sales-domain rules: the funnel, money, who may do what. No Slack, no database."""
