"""xAPI statements and their forwarding to a real Ralph LRS (issue 18)."""
