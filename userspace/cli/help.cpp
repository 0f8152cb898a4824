// SPDX-License-Identifier: GPL-2.0
//
// vmux help; vmux link help [ KIND ]. The kinds' parts come from their
// option tables.

#include <fmt/format.h>

#include "commands.hpp"
#include "kinds/kind.hpp"

namespace vmux {

std::string usage_text()
{
	return "Usage: vmux [ OPTIONS ] OBJECT { COMMAND | help }\n"
	       "       vmux [ -force ] -batch FILENAME\n"
	       "where  OBJECT := { link | port | monitor | completion | help }\n"
	       "       OPTIONS := { -V[ersion] | -d[etails] | -j[son] | -p[retty] |\n"
	       "                    -s[tatistics] | -n[etns] NAME | -b[atch] FILENAME |\n"
	       "                    -force | -h[elp] }\n"
	       "\n"
	       "       vmux link help [ TYPE ]\n"
	       "       vmux port help\n"
	       "       vmux monitor [ link ]\n"
	       "       vmux completion bash\n";
}

static std::string kind_list()
{
	std::vector<std::string_view> names;

	for (const Kind *kind : kinds())
		names.push_back(kind->name);
	return fmt::format("{{ {} }}", fmt::join(names, " | "));
}

std::string link_usage_text()
{
	return fmt::format(
		"Usage: vmux link add link DEV [ name ] NAME\n"
		"\t\t[ mtu MTU ] [ address LLADDR ] [ txqueuelen PACKETS ]\n"
		"\t\t[ netns {{ PID | NAME }} ] [ link-netns NAME ]\n"
		"\t\ttype TYPE [ ARGS ]\n"
		"\n"
		"\tvmux link set {{ DEVICE | dev DEVICE }} [ {{ up | down }} ]\n"
		"\t\t[ mtu MTU ] [ address LLADDR ] [ txqueuelen PACKETS ]\n"
		"\t\t[ name NEWNAME ] [ netns {{ PID | NAME }} ]\n"
		"\t\t[ type TYPE ARGS ]\n"
		"\n"
		"\tvmux link delete {{ DEVICE | dev DEVICE }}\n"
		"\n"
		"\tvmux link show [ [ dev ] DEVICE ] [ type TYPE ]\n"
		"\n"
		"\tvmux link help [ TYPE ]\n"
		"\n"
		"TYPE := {}  (also as vmux_TYPE)\n",
		kind_list());
}

std::string port_usage_text()
{
	return "Usage: vmux port show [ [ dev ] DEVICE ]\n"
	       "\n"
	       "Lists the lower devices that have vmux devices, each with its devices by\n"
	       "kind, what the port tells them apart by (VLAN tag, MAC address, IP\n"
	       "addresses) and its drop counters.\n";
}

int cmd_help(Context &, Args &)
{
	emit(usage_text());
	return 0;
}

int link_help(Context &, Args &args)
{
	if (args.empty()) {
		emit(link_usage_text());
		return 0;
	}
	const Kind &kind = kind_named(args.next());
	if (!args.empty())
		throw garbage_arg(kind.name, args.next());
	emit(kind_help(kind));
	return 0;
}

} // namespace vmux
