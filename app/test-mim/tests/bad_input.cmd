# Bad input: run with --continue-on-error --json. The setup lines succeed;
# every line between the two BAD markers must fail with a reason and change
# nothing: the state shown after them must equal the state shown before.
create hash tmpl key 4 value 8 entries 1024
create hash_of_tables vnis key 4 value 4 entries 64 template tmpl
create hash tenant_a key 4 value 8 entries 1024
update tenant_a 0a000001 0100000000000000
update vnis 64000000 tenant_a
create lpm routes key 8 value 4 entries 16
update routes 10.0.0.0/8 01000000
create array arr key 4 value 4 entries 4
update arr 1 01000000
create array_of_tables ports key 4 value 4 entries 8 template arr
update ports 3 arr
show tables
dump vnis
dump routes
dump ports
show stats
# BAD lines from here
frobnicate
update
update tenant_a
update tenant_a 0a000001
update tenant_a 0a000001 0100000000000000 maybe
update nosuch 0a000001 0100000000000000
update 99 0a000001 0100000000000000
update tenant_a 0a0000 0100000000000000
update tenant_a 0a00000102 0100000000000000
update tenant_a 0a0000zz 0100000000000000
update tenant_a 0a00000 0100000000000000
update tenant_a 0x 0100000000000000
update tenant_a 0a000001 01
update tenant_a 0a000001 0100000000000000 noexist
update tenant_a 0a000009 0100000000000000 exist
update vnis 64000000 nosuch
update vnis 64000000 77
update vnis 64000000 vnis
update vnis 64000000 routes
update vnis 640000 tenant_a
update ports 3 tenant_a
update ports 8 arr
update ports 3 arr noexist
update arr 4 01000000
update arr -1 01000000
update arr 99999999999 01000000
update arr 1 0100
update routes 10.0.0.0/33 01000000
update routes 300.0.0.0/8 01000000
update routes 10.0.0.0/8/ 01000000
update routes 10.0.0/8 01000000
update routes 10.0.0.0/ 01000000
delete arr 1
delete tenant_a 0a000009
delete vnis 01000000
delete ports 7
delete ports 8
delete routes 11.0.0.0/8
lookup tenant_a 0a000009
lookup nosuch 00
lookup arr 4
lookup routes 11.0.0.0/8
create hash tenant_a key 4 value 8 entries 16
create hash bad name key 4 value 8 entries 16
create hash b1 key four value 8 entries 16
create hash b2 key 4 value 8 entries 0
create hash b3 key 4 value 0 entries 16
create hash b4 key 4 value 8 entries 16 flags bogus
create hash b5 key 4 value 8 entries 16 template tmpl
create hash b6 key 4 value 8 entries 16 tbl8
create hash b7 key 4 value 8 entries 16 color blue
create hash b8 key 4 value 8 entries 16 flags 0 flags 0
create hash b9 key 4 value 8 entries 99999999999
create hash b10 key 513 value 8 entries 16
create hash bad/name key 4 value 8 entries 16
create hash a_name_that_is_much_too_long_for_a_table key 4 value 8 entries 16
create hash_of_tables b11 key 4 value 4 entries 16
create hash_of_tables b12 key 4 value 4 entries 16 template nosuch
create hash_of_tables b13 key 4 value 4 entries 16 template vnis
create hash_of_tables b14 key 4 value 8 entries 16 template tmpl
create array b15 key 8 value 4 entries 4
create array b16 key 4 value 4 entries 4 flags inner_map|no_prealloc
create lpm b17 key 4 value 4 entries 4
create widget b18 key 4 value 4 entries 4
create hash b19 key 4 value 8
close nosuch
close 0
show table nosuch
show tablez
dump nosuch
iterate nosuch
open nosuch
workers start nosuch bulk
workers start tenant_a nested
workers start tenant_a bulk 0
workers start tenant_a bulk 65
workers start tenant_a sideways
workers stop
help nosuch
sleep forever
expect-error show tables
# BAD lines end here
show tables
dump vnis
dump routes
dump ports
show stats
