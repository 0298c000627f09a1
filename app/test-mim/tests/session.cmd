# The worked session of README.md: two tenants behind one outer table,
# a template rejection and its reason, a replacement, a recursive dump.

# The template: every tenant table is a hash of 4-byte keys, 8-byte values.
create hash tmpl key 4 value 8 entries 1024
# Tenants by VNI (a 4-byte key), each slot holding a tenant's table.
create hash_of_tables vnis key 4 value 4 entries 64 template tmpl

# Two tenants.
create hash tenant_a key 4 value 8 entries 1024
create hash tenant_b key 4 value 8 entries 1024
update tenant_a 0a000001 0100000000000000
update tenant_a 0a000002 0200000000000000
update tenant_b 0a000001 0300000000000000
update vnis 64000000 tenant_a
update vnis c8000000 tenant_b

# A table of another shape is refused, and the reason says why.
create hash wide key 8 value 8 entries 1024
expect-error update vnis 2c010000 wide

# Replace tenant_a: build its new table aside, then swap it in.
create hash tenant_a2 key 4 value 8 entries 1024
update tenant_a2 0a000001 0900000000000000
close tenant_a
update vnis 64000000 tenant_a2
lookup vnis 64000000
lookup tenant_a2 0a000001

show tables
show table vnis
dump vnis

# The old table waits for readers: released by reclaim.
show stats
reclaim
quit
