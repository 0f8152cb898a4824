// SPDX-License-Identifier: GPL-2.0
//
// Help and completion come from the option tables.

#include "catch.hpp"

#include "kinds/kind.hpp"

using namespace vmux;

TEST_CASE("vlan help")
{
	CHECK(kind_help(kind_named("vlan")) ==
	      "Usage: ... vlan id VLANID\n"
	      "\t\t[ protocol VLANPROTO ]\n"
	      "\t\t[ reorder_hdr { on | off } ]  (default: on)\n"
	      "\t\t[ gvrp { on | off } ]  (default: off)\n"
	      "\t\t[ mvrp { on | off } ]  (default: off)\n"
	      "\t\t[ loose_binding { on | off } ]  (default: off)\n"
	      "\t\t[ bridge_binding { on | off } ]  (default: off)\n"
	      "\t\t[ ingress-qos-map QOS-MAP ]\n"
	      "\t\t[ egress-qos-map QOS-MAP ]\n"
	      "\n"
	      "VLANPROTO := { 802.1Q | 802.1ad }  (default: 802.1Q)\n"
	      "VLANID := 0-4094\n"
	      "QOS-MAP := FROM:TO [ FROM:TO ... ]\n");
}

TEST_CASE("macvlan help lists modes with the default")
{
	std::string help = kind_help(kind_named("vmux_macvlan"));

	CHECK(help.find("MODE := { private | vepa | bridge | passthru | source }  (default: vepa)\n") !=
	      std::string::npos);
	CHECK(help.find("[ bcqueuelen BC_QUEUE_LEN ]") != std::string::npos);
	CHECK(help.find("usedbcqueuelen") == std::string::npos);
}

TEST_CASE("ipvlan help")
{
	CHECK(kind_help(kind_named("ipvlan")) ==
	      "Usage: ... ipvlan\n"
	      "\t\t[ mode MODE ]\n"
	      "\t\t[ FLAGS ]\n"
	      "\n"
	      "MODE := { l2 | l3 | l3s }  (default: l3)\n"
	      "FLAGS := { bridge | private | vepa }  (default: bridge)\n");
}

TEST_CASE("completion words")
{
	using Words = std::vector<std::string_view>;

	CHECK(option_words(kind_named("ipvlan")) == Words{"mode", "bridge", "private", "vepa"});
	CHECK(value_words(kind_named("ipvlan"), "mode") == Words{"l2", "l3", "l3s"});
	CHECK(value_words(kind_named("vlan"), "gvrp") == Words{"on", "off"});
	CHECK(value_words(kind_named("vlan"), "id").empty());
	CHECK(value_words(kind_named("macvlan"), "macaddr") == Words{"add", "del", "set", "flush"});
	CHECK(option_words(kind_named("macvlan")) ==
	      Words{"mode", "flag", "nopromisc", "nodst", "bcqueuelen", "bclim", "macaddr"});
}

TEST_CASE("kinds by either name")
{
	CHECK(&kind_named("vlan") == &kind_named("vmux_vlan"));
	CHECK(find_kind("veth") == nullptr);
}
