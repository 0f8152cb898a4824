// SPDX-License-Identifier: GPL-2.0
//
// vmux help; vmux link help [ KIND ]. The kinds' parts come from their
// option tables.

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "commands.hpp"
#include "kinds/kind.hpp"
#include "link_args.hpp"

namespace vmux {

std::string usage_text()
{
	return "Usage: vmux [ OPTIONS ] OBJECT { COMMAND | help }\n"
	       "       vmux [ -force ] -batch FILENAME\n"
	       "where  OBJECT := { link | port | monitor | apply | completion | help }\n"
	       "       OPTIONS := { -V[ersion] | -d[etails] | -j[son] | -p[retty] |\n"
	       "                    -s[tatistics] | -br[ief] | -o[neline] |\n"
	       "                    -c[olor][={always|auto|never}] | -n[etns] NAME |\n"
	       "                    -b[atch] FILENAME | -force | -h[elp] }\n"
	       "\n"
	       "       vmux link help [ TYPE ]\n"
	       "       vmux port help\n"
	       "       vmux monitor [ link ]\n"
	       "       vmux apply [ --dry-run ] [ --prune ] [ --wait SECONDS ] { FILE | DIR } ...\n"
	       "       vmux completion bash\n";
}

static std::string kind_list()
{
	std::vector<std::string_view> names;

	for (const Kind *kind : kinds())
		names.push_back(kind->name);
	return fmt::format("{{ {} }}", fmt::join(names, " | "));
}

static std::string type_line()
{
	return fmt::format("TYPE := {}  (also as vmux_TYPE; \"vmux link help TYPE\" lists its ARGS)\n",
			   kind_list());
}

static std::string add_synopsis()
{
	return fmt::format("vmux link add [ link DEVICE ] [ [ name ] NAME ]\n{}\t\ttype TYPE [ ARGS ]\n",
			   link_options_usage(LinkRequest::Op::add));
}

static std::string set_synopsis()
{
	return fmt::format("vmux link set {{ DEVICE | dev DEVICE }}\n{}\t\t[ type TYPE ARGS ]\n",
			   link_options_usage(LinkRequest::Op::set));
}

static constexpr std::string_view del_synopsis = "vmux link delete { DEVICE | dev DEVICE }\n";
static constexpr std::string_view show_synopsis =
	"vmux link show [ [ dev ] DEVICE ] [ up ] [ master DEVICE ] [ group GROUP ]\n"
	"\t\t[ type TYPE ]\n";

std::string link_add_usage()
{
	return fmt::format("Usage: {}\n{}{}", add_synopsis(), link_options_grammar(LinkRequest::Op::add),
			   type_line());
}

std::string link_set_usage()
{
	return fmt::format("Usage: {}\n{}{}", set_synopsis(), link_options_grammar(LinkRequest::Op::set),
			   type_line());
}

std::string link_del_usage()
{
	return fmt::format("Usage: {}", del_synopsis);
}

std::string link_show_usage()
{
	return fmt::format("Usage: {}\nWithout DEVICE, the vmux devices of the namespace.\n{}",
			   show_synopsis, type_line());
}

std::string link_usage_text()
{
	std::string grammar = link_options_grammar(LinkRequest::Op::add);

	// The set-only VALUEs after the ones add takes too.
	const std::string set = link_options_grammar(LinkRequest::Op::set);
	for (std::size_t at = 0, end; at < set.size(); at = end + 1) {
		end = std::min(set.find('\n', at), set.size());
		std::string_view line = std::string_view(set).substr(at, end - at);
		if (grammar.find(line) == std::string::npos)
			grammar += fmt::format("{}\n", line);
	}
	return fmt::format("Usage: {}\n\t{}\n\t{}\n\t{}\n\tvmux link help [ TYPE ]\n\n{}{}",
			   add_synopsis(), set_synopsis(), del_synopsis, show_synopsis, grammar,
			   type_line());
}

std::string monitor_usage_text()
{
	return "Usage: vmux monitor [ link ]\n"
	       "\n"
	       "Prints each vmux device as it is created, changed or deleted, as\n"
	       "\"ip monitor link\" does, until interrupted.\n";
}

std::string completion_usage_text()
{
	return "Usage: vmux completion bash\n"
	       "\n"
	       "Prints the bash completion script (installed by \"make install\").\n";
}

std::string apply_usage_text()
{
	return "Usage: vmux apply [ --dry-run ] [ --prune ] [ --wait SECONDS ] { FILE | DIR } ...\n"
	       "\n"
	       "Makes the vmux devices of the netns what the configuration declares: a\n"
	       "FILE, or every DIR/*.conf in name order; a line declares one device in\n"
	       "the words of \"vmux link add\" (name and link required). A device that\n"
	       "is missing is created, one that differs is changed, and one the kernel\n"
	       "cannot change (type, link, VLAN id or protocol, numtxqueues,\n"
	       "numrxqueues, macvlan mode passthru) is deleted and created again. An\n"
	       "option a line leaves out is left as the device has it. Every line is\n"
	       "checked before anything changes; nothing is sent when nothing differs.\n"
	       "Each change is printed: \"add\", \"set\" (with the keywords that differ),\n"
	       "\"replace\", \"delete\".\n"
	       "\n"
	       "  --dry-run       print the changes, make none\n"
	       "  --prune         also delete the vmux devices no line declares\n"
	       "  --wait SECONDS  first wait up to SECONDS for the lowers and masters\n"
	       "                  no line declares to appear (at boot)\n";
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
