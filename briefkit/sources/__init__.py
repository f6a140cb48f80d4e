"""Reading what authors write: briefs (front matter, Markdown), data files, placeholders, segments."""
