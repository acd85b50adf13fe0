-- Datasets the last build could not get, with the tables, pages and notebooks they feed;
-- $page and $notebook filter them ('' = any).
SELECT dataset_id, title, url, error, tables, pages, notebooks
FROM missing_datasets
WHERE ($page = '' OR list_contains(pages, $page))
  AND ($notebook = '' OR list_contains(notebooks, $notebook))
ORDER BY dataset_id
