"""Quality gates on translations: placeholders, markup, numbers, typography, terminology."""
