// Editing together: revision polling and presence (filled in by the collaboration work).
