# IPv6 prefixes (LPM key 20): run as text and with --json by the tests.
create lpm r6 key 20 value 4 entries 16
update r6 2001:db8::/32 01000000
update r6 2001:db8:1::/48 02000000
update r6 ::/0 ff000000
update r6 2001:db8:1:2::1 03000000
lookup r6 2001:db8:1:2::5
lookup r6 2001:db8:1:2::1
lookup r6 2001:db8:ffff::1
lookup r6 fe80::1
lookup r6 2001:db8:1::/32
dump r6
iterate r6
expect-error update r6 2001:db8::/129 01000000
expect-error update r6 zz::/3 01000000
expect-error update r6 2001:db8::/ 01000000
expect-error update r6 10.0.0.0/8 01000000
expect-error lookup r6 2001:db8::1/1x
expect-error lookup r6 2001:0db8:0000:0000:0000:0000:0000:0000:0000:0001/64
expect-error delete r6 2001:db8:2::/48
# stored masked: the host bits of 2001:db8:1:ffff::/48 are dropped
update r6 2001:db8:1:ffff::/48 04000000
lookup r6 2001:db8:1::9
create array_of_tables vrfs key 4 value 4 entries 4 template r6
create lpm r6b key 20 value 4 entries 16
update r6b fd00::/8 0a000000
update vrfs 1 r6
update vrfs 2 r6b
dump vrfs
delete r6 2001:db8:1::/48
lookup r6 2001:db8:1:2::5
lookup r6 2001:db8:1::9
delete r6 ::/0
expect-error lookup r6 fe80::1
dump r6
quit
