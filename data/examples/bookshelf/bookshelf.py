#!/usr/bin/env python3
# bookshelf.py: the Bookshelf example in Python, through GObject
# Introspection: its own SQLite store, brought up to date at launch.
#
#   glib-compile-resources --target=bookshelf.gresource bookshelf.gresource.xml
#   ./bookshelf.py [STORE]
#
# SPDX-License-Identifier: CC0-1.0

import os
import sys

import gi

gi.require_version("Strata", "1")
from gi.repository import Gio, GLib, Strata  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    resources = os.environ.get("BOOKSHELF_RESOURCES", os.path.join(HERE, "bookshelf.gresource"))
    Gio.Resource.load(resources)._register()
    GLib.set_application_name("Bookshelf")

    store_file = Gio.File.new_for_commandline_arg(sys.argv[1] if len(sys.argv) > 1 else "bookshelf.db")
    try:
        # Creates the store, or backs it up and upgrades it (restoring the
        # backup if that fails), or refuses one written by a newer Bookshelf.
        store = Strata.AppStore.open(store_file, "/org/example/Bookshelf/store/", None)
        store.get_driver().execute("INSERT INTO book (title) VALUES ('Kindred')", None)
    except GLib.Error as error:
        print(f"bookshelf: {error.message}", file=sys.stderr)
        return 1

    print(store.get_outcome().value_nick, store.get_revision())
    return 0


if __name__ == "__main__":
    sys.exit(main())
