# Per-lcore hash tables: run as text and with --json by the tests.
create percpu_hash ph key 4 value 4 entries 2
update ph 0a000001 2a000000
lookup ph 0a000001
update ph 0a000001 07000000@3
lookup ph 0a000001
update ph 0a000002 01000000@0
dump ph
expect-error update ph 0a000003 01000000
expect-error lookup ph 0a000009
create hash_of_tables outer key 4 value 4 entries 2 template ph
update outer 00000000 ph
dump outer
