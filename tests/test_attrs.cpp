// SPDX-License-Identifier: GPL-2.0
//
// Attribute encoding and the value syntaxes of the command line.

#include "catch.hpp"

#include "args.hpp"
#include "attrs.hpp"
#include "helpers.hpp"

using namespace vmux;
using test::hex;
using test::nla;

TEST_CASE("attributes encode in ascending type order, padded to 4")
{
	Attrs attrs;

	attrs.put_value(5, std::uint16_t{0x0081});
	attrs.put_value(1, std::uint16_t{10});
	attrs.put(3, Bytes{1, 2, 3, 4, 5});

	Bytes expected = test::cat({nla(1, test::le16(10)), nla(3, {1, 2, 3, 4, 5}), nla(5, {0x81, 0})});
	CHECK(hex(attrs.encode()) == hex(expected));
}

TEST_CASE("nested attributes carry NLA_F_NESTED and round-trip")
{
	Attrs attrs;
	Bytes list;

	append_attr(list, 1, test::le32(7));
	attrs.put_nested(4, list);
	Bytes wire = attrs.encode();

	CHECK(hex(wire) == hex(nla(0x8004, nla(1, test::le32(7)))));
	CHECK(Attrs::decode(wire) == attrs);
}

TEST_CASE("decode takes the last duplicate and stops at a truncated tail")
{
	Bytes wire = test::cat({nla(2, test::le32(1)), nla(2, test::le32(2)), {8, 0, 9, 0, 1}});
	Attrs attrs = Attrs::decode(wire);

	CHECK(attrs.get<std::uint32_t>(2) == 2u);
	CHECK_FALSE(attrs.has(9));
}

TEST_CASE("get refuses a payload shorter than the type")
{
	Attrs attrs;

	attrs.put(1, Bytes{1});
	CHECK_FALSE(attrs.get<std::uint32_t>(1));
	CHECK(attrs.get<std::uint8_t>(1) == 1);
}

TEST_CASE("numbers are parsed like strtoul base 0")
{
	CHECK(parse_number<std::uint16_t>("10") == 10);
	CHECK(parse_number<std::uint16_t>("0x10") == 16);
	CHECK(parse_number<std::uint16_t>("010") == 8);
	CHECK(parse_number<std::uint16_t>("0") == 0);
	CHECK(parse_number<std::uint16_t>("65535") == 65535);
	CHECK_FALSE(parse_number<std::uint16_t>("65536"));
	CHECK_FALSE(parse_number<std::uint16_t>("-1"));
	CHECK_FALSE(parse_number<std::uint16_t>(""));
	CHECK_FALSE(parse_number<std::uint16_t>("0x"));
	CHECK_FALSE(parse_number<std::uint16_t>("08"));
	CHECK_FALSE(parse_number<std::uint16_t>("10a"));
	CHECK(parse_number<std::int32_t>("-1") == -1);
	CHECK(parse_number<std::int32_t>("-2147483648") == INT32_MIN);
	CHECK(parse_number<std::int32_t>("2147483647") == INT32_MAX);
	CHECK_FALSE(parse_number<std::int32_t>("2147483648"));
	CHECK_FALSE(parse_number<std::int32_t>("-2147483649"));
}

TEST_CASE("link-layer addresses")
{
	CHECK(parse_lladdr("52:54:00:12:34:56") == Bytes{0x52, 0x54, 0, 0x12, 0x34, 0x56});
	CHECK(parse_lladdr("2:4:0:a:B:ff") == Bytes{2, 4, 0, 0xa, 0xb, 0xff});
	CHECK_FALSE(parse_lladdr("52:54:00:12:34:"));
	CHECK_FALSE(parse_lladdr("525:54"));
	CHECK_FALSE(parse_lladdr("zz"));
	CHECK(format_lladdr(Bytes{0x52, 0x54, 0, 0x12, 0x34, 0x56}) == "52:54:00:12:34:56");
}

TEST_CASE("keywords may be abbreviated when unambiguous")
{
	static const std::string_view table[] = {"mode", "mtu", "macaddr", "nodst"};
	auto key = [](std::string_view s) { return s; };

	CHECK(*lookup("mo", table, key) == "mode");
	CHECK(*lookup("mtu", table, key) == "mtu");
	CHECK(*lookup("nod", table, key) == "nodst");
	CHECK(lookup("x", table, key) == nullptr);
	CHECK_THROWS_WITH(lookup("m", table, key),
			  "Error: argument \"m\" is wrong: ambiguous, could be \"mode\", \"mtu\" or \"macaddr\"");
}
