# Key and value formats of every table type (run with --json by the tests).
create array arr key 4 value 4 entries 4 flags inner_map
update arr 2 deadbeef
lookup arr 2
dump arr
iterate arr
create array_of_tables ports key 4 value 4 entries 8 template arr
# inner_map: inner arrays may differ in max_entries
create array arr2 key 4 value 4 entries 16 flags inner_map
update arr2 0x0f 0xcafef00d
update ports 3 arr2
update ports 5 arr
lookup ports 3
dump ports
create lpm routes key 8 value 4 entries 16 tbl8 8
update routes 10.0.0.0/8 01000000
update routes 10.1.0.0/16 02000000
update routes 0.0.0.0/0 ff000000
lookup routes 10.1.2.3
lookup routes 192.168.0.1
lookup routes 10.1.0.0/8
dump routes
create hash - key 2 value 2 entries 4
show tables
open arr
close arr
show table arr
delete ports 5
delete routes 10.1.0.0/16
lookup routes 10.1.2.3
iterate ports
help create
quit
