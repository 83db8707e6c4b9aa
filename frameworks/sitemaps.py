"""``/sitemap.xml``: every public page, for search engines (django.contrib.sitemaps).

The pages follow from the published catalog: the fixed pages, one per framework and one per
pair of frameworks. ``lastmod`` is the latest review date behind a page.
"""

from itertools import combinations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import catalog, paths, presentation


def _newest_review(infos):
    dates = [info.last_reviewed for info in infos if info.last_reviewed]
    return max(dates) if dates else None


class PageSitemap(Sitemap):
    """The pages that are there whatever the catalog holds."""

    names = ("frameworks:home", "frameworks:compare", "frameworks:list", "frameworks:methodology")

    def items(self):
        return list(self.names)

    def location(self, item):
        return paths.path(item)

    def lastmod(self, item):
        return _newest_review(catalog.current_snapshot().info.values())


class FrameworkSitemap(Sitemap):
    """One page per published framework."""

    def items(self):
        snapshot = catalog.current_snapshot()
        return [snapshot.info[spec.slug] for spec in snapshot.frameworks]

    def location(self, item):
        return reverse("frameworks:detail", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.last_reviewed


class HeadToHeadSitemap(Sitemap):
    """One page per pair of published frameworks, at its canonical address."""

    def items(self):
        snapshot = catalog.current_snapshot()
        # In the catalog's order, like every other list; each pair's address is canonical.
        slugs = [spec.slug for spec in snapshot.frameworks]
        return [(snapshot.info[a], snapshot.info[b]) for a, b in combinations(slugs, 2)]

    def location(self, item):
        first, second = item
        return reverse(
            "frameworks:head-to-head", args=[presentation.pair_slug(first.slug, second.slug)]
        )

    def lastmod(self, item):
        return _newest_review(item)


SITEMAPS = {
    "pages": PageSitemap,
    "frameworks": FrameworkSitemap,
    "head-to-head": HeadToHeadSitemap,
}
