"""Small building blocks every app uses: base models and helpers with no domain in them."""
