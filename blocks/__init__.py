"""Block Kit rendering: plain functions from data to messages, modals and views."""
