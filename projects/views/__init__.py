"""Project pages: list, members, versions, comments, reviews, activity, share links."""
