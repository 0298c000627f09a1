# Per-lcore arrays: run as text and with --json by the tests.
create percpu_array pc key 4 value 4 entries 4
lookup pc 0
update pc 1 2a000000
lookup pc 1
update pc 1 07000000@3
lookup pc 1
update pc 2 01000000@0
dump pc
iterate pc
expect-error update pc 1 07000000@100000
expect-error update pc 1 0700@3
expect-error update pc 9 01000000
expect-error update pc 1 2a000000 noexist
create array_of_tables outer key 4 value 4 entries 2 template pc
update outer 0 pc
dump outer
