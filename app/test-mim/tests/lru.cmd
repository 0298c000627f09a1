# LRU hash tables: run as text and with --json by the tests.
create lru_hash lru key 4 value 4 entries 2
update lru 01000000 0a000000
update lru 02000000 14000000
update lru 03000000 1e000000
iterate lru
expect-error lookup lru 01000000
show table lru
create lru_hash pl key 4 value 4 entries 1 flags no_common_lru
show table pl
expect-error create lru_hash np key 4 value 4 entries 2 flags no_prealloc
