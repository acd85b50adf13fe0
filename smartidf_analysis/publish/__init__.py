"""The open-data service (``smartidf publish``, the ``publish`` extra): the build's tables and
derived indicators as OGC API – Features collections and the telecentre siting as an OGC API –
Processes process, through pygeoapi.

* :mod:`~smartidf_analysis.publish.collections`: what is published, and from which tables;
* :mod:`~smartidf_analysis.publish.io`: the reads (the only module here that opens the database);
* :mod:`~smartidf_analysis.publish.provider`: the pygeoapi feature provider (filters, bbox, pages);
* :mod:`~smartidf_analysis.publish.process`: the telecentre-siting process;
* :mod:`~smartidf_analysis.publish.service`: the pygeoapi configuration, OpenAPI document and server.
"""
