# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
#
# The programmer's guide of mapinmap (and the man pages of its tools).
# Built by doc/guides/meson.build with sphinx-build -W: any warning fails.

import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, '_ext'))

project = 'mapinmap'
copyright = '2026, The mapinmap authors'
author = 'The mapinmap authors'
version = release = os.environ.get('MIM_VERSION', '0.1.0')

extensions = [
    'sphinx.ext.extlinks',
    'sphinx.ext.graphviz',
    'mim_doc',
]
# Markdown pages written beside the guide (doc/conformance.md,
# doc/perf/*.md) are included through MyST when they exist.
try:
    import myst_parser  # noqa: F401
    extensions.append('myst_parser')
    myst_enable_extensions = []
    myst_heading_anchors = 3
    # Those pages link to files of the repository ([x](../app/...)),
    # which are not documents of the guide: shown as text, not warned.
    suppress_warnings = ['ref.myst']
except ImportError:
    pass

master_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
exclude_patterns = ['_build', '_ext']
templates_path = []
highlight_language = 'none'
primary_domain = 'c'
default_role = 'literal'
pygments_style = 'sphinx'
nitpicky = False

# Where the headers and the other documents are, for mim_doc.
mim_topdir = os.path.abspath(os.path.join(here, '..', '..'))

# Links to the Doxygen reference, installed beside the guide
# (.../guides/html and .../api/html).
extlinks = {
    'api': ('../../api/html/%s', '%s'),
}

graphviz_output_format = 'svg'
graphviz_dot_args = ['-Gfontname=Helvetica', '-Nfontname=Helvetica',
                     '-Efontname=Helvetica']

# Sphinx's default theme (alabaster, which python3-sphinx depends on).
html_theme_options = {'page_width': '1180px', 'sidebar_width': '240px'}
html_title = 'mapinmap programmer\'s guide'
html_short_title = 'mapinmap'
html_show_sourcelink = False
html_last_updated_fmt = None
html_static_path = ['_static']
html_css_files = ['mim.css']

# The man builder: one page per tool, in section 1.
man_pages = [
    ('test-mim', 'test-mim',
     'drive and inspect mapinmap tables', [author], 1),
    ('l3fwd-mim', 'l3fwd-mim',
     'multi-tenant IPv4 forwarding on mapinmap tables', [author], 1),
]
man_make_section_directory = False
man_show_urls = False
