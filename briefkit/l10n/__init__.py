"""One brief in one language: translations looked up, figures formatted, fonts checked."""
