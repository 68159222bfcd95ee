"""The site `dlkg serve` runs in its workers: routes, SPARQL endpoint, pages, downloads."""
