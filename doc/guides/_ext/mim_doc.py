# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
"""Sphinx directives of the mapinmap guide.

mim-contracts
    The concurrency contract table, built from the "@par Concurrency"
    paragraph of every public function in the installed headers (the list
    is read from lib/mapinmap/meson.build), so the guide and the Doxygen
    reference say the same thing. A paragraph opened by @cp_contract or
    @dp_contract (Doxygen aliases) starts from the "Control-plane
    contract" or "Data-path contract" of a header's overview and lists
    only what differs. A public function without a complete contract is a
    warning, hence a build failure under sphinx-build -W.

mim-include-optional
    Include documents that other people write (doc/conformance.md,
    doc/perf/*.md or *.rst) when they exist; Markdown goes through MyST.
    When nothing matches, a note says what will appear there.
"""

import glob
import os
import re

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from sphinx.directives.other import Include as SphinxInclude
from sphinx.util import logging

logger = logging.getLogger(__name__)

LABELS = ('Threads', 'RCU', 'Ordering', 'Memory reuse')
# Doxygen aliases that open a Concurrency paragraph from a default contract.
BASES = {'@cp_contract': '@par Control-plane contract',
         '@dp_contract': '@par Data-path contract'}


def public_headers(topdir):
    """Installed headers, as lib/mapinmap/meson.build lists them."""
    mb = os.path.join(topdir, 'lib', 'mapinmap', 'meson.build')
    with open(mb) as f:
        text = f.read()
    m = re.search(r"^headers\s*=\s*files\(([^)]*)\)", text, re.M)
    names = re.findall(r"'([^']+)'", m.group(1)) if m else []
    # mim.h first (it includes the others), then in the order given.
    names.sort(key=lambda n: (n != 'mim.h', 0))
    return [os.path.join(topdir, 'lib', 'mapinmap', n) for n in names]


def header_functions(path):
    """(name, doc comment) of every documented function of a header."""
    with open(path) as f:
        text = f.read()
    out = []
    pat = re.compile(r'/\*\*(?!<)((?:(?!\*/).)*?)\*/\n'
                     r'(?![ \t]*/\*)'
                     r'((?:static inline [^\n]*\n)?[^\n;{#/]*?\b(\w+)\s*\()',
                     re.S)
    for m in pat.finditer(text):
        name = m.group(3)
        decl = m.group(2)
        if name.startswith('__') or '#define' in decl:
            continue
        if '@internal' in m.group(1):
            continue
        out.append((name, m.group(1)))
    return out


def parse_items(comment, title):
    """The "- **Label:** text" items after the line title, or None."""
    lines = [re.sub(r'^\s*\* ?', '', l) for l in comment.split('\n')]
    try:
        start = next(i for i, l in enumerate(lines) if l.strip() == title)
    except StopIteration:
        return None
    items, cur = {}, None
    for l in lines[start + 1:]:
        s = l.strip()
        m = re.match(r'- \*\*([^*]+):\*\* ?(.*)', s)
        if m:
            cur = m.group(1)
            items[cur] = m.group(2)
        elif re.match(r'[@\\](?!p\b)\w+', s) or (s == '' and cur is not None):
            break
        elif cur is not None:
            items[cur] += ' ' + s
    return items


def header_bases(headers):
    """The default contracts the headers' overviews define, by alias."""
    bases = {}
    for h in headers:
        with open(h) as f:
            text = f.read()
        for alias, title in BASES.items():
            items = parse_items(text, title)
            if items is not None:
                bases[alias] = items
    return bases


def parse_contract(comment, bases):
    """The items of the function's contract, or None."""
    items = parse_items(comment, '@par Concurrency')
    if items is not None:
        return items
    for alias in BASES:
        items = parse_items(comment, alias)
        if items is not None:
            return dict(bases.get(alias, {}), **items)
    return None


def doxy_to_rst(text):
    """The little Doxygen markup used in contracts, as reStructuredText."""
    text = re.sub(r'@p\s+(\*?[\w>\-]+)', r'``\1``', text)
    text = re.sub(r'#(MIM_\w+)', r'``\1``', text)
    text = re.sub(r'(?<![`\w])(\w+\(\))', r'``\1``', text)
    return text


class ContractsDirective(Directive):
    has_content = False
    option_spec = {'header': directives.unchanged}

    def run(self):
        env = self.state.document.settings.env
        topdir = env.config.mim_topdir
        headers = public_headers(topdir)
        if 'header' in self.options:
            headers = [h for h in headers
                       if os.path.basename(h) == self.options['header']]
        bases = header_bases(public_headers(topdir))
        rows = []
        for h in headers:
            env.note_dependency(h)
            for name, comment in header_functions(h):
                items = parse_contract(comment, bases)
                if items is None or any(k not in items for k in LABELS):
                    logger.warning('%s: %s() has no complete "@par '
                                   'Concurrency" paragraph (%s)',
                                   os.path.basename(h), name,
                                   ', '.join(LABELS),
                                   location=(env.docname, self.lineno))
                    continue
                rows.append((name, items))
        if not rows:
            logger.warning('mim-contracts: no function found',
                           location=(env.docname, self.lineno))
            return []
        # A text most rows share is said once, above the table.
        common = {}
        for l in LABELS:
            texts = [items[l] for _, items in rows]
            best = max(set(texts), key=texts.count)
            if texts.count(best) >= 3:
                common[l] = best
        lines = []
        for l in LABELS:
            if l in common:
                lines += ['- **%s** (rows marked *common*): %s'
                          % (l, doxy_to_rst(common[l]))]
        if lines:
            lines.append('')
        lines += ['.. list-table::', '   :header-rows: 1',
                  '   :widths: 14 22 22 21 21', '   :class: mim-contracts', '',
                  '   * - Function']
        lines += ['     - %s' % l for l in LABELS]
        for name, items in rows:
            lines.append('   * - ``%s()``' % name)
            for l in LABELS:
                text = items[l]
                lines.append('     - %s' % ('*common*' if common.get(l) == text
                                            else doxy_to_rst(text)))
        node = nodes.container()
        self.state.nested_parse(StringList(lines, source='mim-contracts'),
                                self.content_offset, node)
        return node.children


class IncludeOptional(SphinxInclude):
    """Include every file matching a pattern, or say none is there yet."""
    required_arguments = 1
    optional_arguments = 0
    option_spec = dict(SphinxInclude.option_spec)
    option_spec['missing'] = directives.unchanged

    def run(self):
        env = self.state.document.settings.env
        pattern = self.arguments[0]
        docdir = os.path.dirname(env.doc2path(env.docname))
        found = sorted(glob.glob(os.path.join(docdir, pattern)))
        found = [f for f in found if os.path.isfile(f)]
        if not found:
            text = self.options.get('missing',
                                    '%s is not written yet.' % pattern)
            if text.strip() == '-':
                return []
            note = nodes.note()
            self.state.nested_parse(StringList([text]), self.content_offset,
                                    note)
            return [note]
        result = []
        missing = self.options.pop('missing', None)
        for f in found:
            rel = os.path.relpath(f, docdir)
            opts = dict(self.options)
            if f.endswith('.md'):
                try:
                    from myst_parser.sphinx_ import Parser
                except ImportError:
                    logger.warning('%s is Markdown: install python3-myst-parser',
                                   f, location=(env.docname, self.lineno))
                    continue
                opts['parser'] = Parser
            sub = SphinxInclude(self.name, [rel], opts, self.content,
                                self.lineno, self.content_offset,
                                self.block_text, self.state,
                                self.state_machine)
            nodes_ = sub.run()
            # Images of an included file are relative to that file; Sphinx
            # resolves them against the including document: rebase them.
            incdir = os.path.dirname(f)
            for n in nodes_:
                for img in n.traverse(nodes.image) if isinstance(
                        n, nodes.Element) else []:
                    uri = img['uri']
                    if '://' in uri or uri.startswith('/') or \
                            uri.startswith('data:'):
                        continue
                    img['uri'] = os.path.relpath(os.path.join(incdir, uri),
                                                 docdir)
            result.extend(nodes_)
        if missing is not None:
            self.options['missing'] = missing
        return result


def setup(app):
    app.add_config_value('mim_topdir', '', 'env')
    app.add_directive('mim-contracts', ContractsDirective)
    app.add_directive('mim-include-optional', IncludeOptional)
    return {'version': '1', 'parallel_read_safe': True,
            'parallel_write_safe': True}
