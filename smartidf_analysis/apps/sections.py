"""Pages in sections: Panel's dynamic tabs kept in the page's URL state, each section's
drawings made when it is first shown (:class:`~.page.Page` inherits :class:`PageSections`;
for pages whose ``State`` has a ``section``)."""

from __future__ import annotations

from collections.abc import Callable

import panel as pn


class PageSections:
    """The sections of :class:`~.page.Page` (``_pending`` is set by its ``__init__``)."""

    _pending: dict[str, Callable[[], None]]

    def when_shown(self, section: str, draw: Callable[[], None] | None) -> None:
        """``draw()`` now if ``section`` is the shown one (``state.section``), else when it is
        next shown, so that a hidden section's charts are built for nobody (``None``: forget
        the section's pending drawing). For pages whose ``State`` has a ``section``.

        Parameters
        ----------
        section : str
            A section name.
        draw : callable or None
            The drawing, called without arguments.
        """
        if draw is None:
            self._pending.pop(section, None)
        elif self.state.section == section:
            self._pending.pop(section, None)
            draw()
        else:
            self._pending[section] = draw

    def section_tabs(self, sections: dict[str, list], titles: dict[str, str],
                     **params) -> pn.Tabs:
        """``sections`` (name -> objects) as Panel's dynamic tabs titled ``titles[name]``, the
        shown one kept in ``state.section`` both ways (so in the URL when it is a URL
        parameter). Dynamic: a tab's models are made when it is first shown, and the
        drawings :meth:`when_shown` holds for it are run then.

        Parameters
        ----------
        sections : dict of str to list
            Section name -> objects.
        titles : dict of str to str
            Section name -> tab title.
        **params
            Further keyword arguments of ``pn.Tabs``.

        Returns
        -------
        panel.Tabs
            The tabs.
        """
        names = list(sections)
        tabs = pn.Tabs(*((titles[name], pn.Column(*sections[name], sizing_mode="stretch_width"))
                         for name in names),
                       active=names.index(self.state.section), dynamic=True,
                       sizing_mode="stretch_width", **params)

        def shown(*_):
            tabs.active = names.index(self.state.section)
            draw = self._pending.pop(self.state.section, None)
            if draw is not None:
                draw()

        tabs.param.watch(self.guard(lambda event: setattr(self.state, "section",
                                                          names[event.new])), "active")
        self.watch(shown, ["section"])
        return tabs
