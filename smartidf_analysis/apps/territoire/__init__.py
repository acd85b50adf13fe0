""""Mon territoire" / "My territory": the page (:mod:`.page`), its URL state (:mod:`.state`),
labels (:mod:`.texts`), the HTML shared with the report (:mod:`.document`, the map
:mod:`.flows_map`) and the printable report (:mod:`.report`)."""
