// SPDX-License-Identifier: GPL-2.0
//
// The printer: one call, text or JSON; iproute2's json_writer layout.

#include "catch.hpp"

#include <fmt/format.h>

#include "printer.hpp"

using namespace vmux;

namespace {

void sample_into(Printer &out)
{
	out.open_array("");
	out.open_object();
	out.print(Out::any, "mtu", "mtu {} ", 1500);
	out.print(Out::json, "only_json", "", true);
	out.print(Out::text, "", "{}", "text-only ");
	out.open_array("flags", "<");
	out.print(Out::any, "", "{}", "UP");
	out.text(",");
	out.print(Out::any, "", "{}", "LOWER_UP");
	out.close_array("> ");
	out.open_object("empty");
	out.close_object();
	out.null(Out::any, "none", "@NONE");
	out.print(Out::any, "name", " {}", "a\"b\\c\n");
	out.nl();
	out.close_object();
	out.close_array();
}

std::string sample(bool json, bool pretty)
{
	Printer out(json, pretty);

	sample_into(out);
	return out.take();
}

// Records what a Printer hands a sink (ip's JSON writer, in the plugins).
struct Recorder final : JsonSink {
	std::string log;

	void value(std::string_view key, std::int64_t v) override { log += fmt::format("{}=s{} ", key, v); }
	void value(std::string_view key, std::uint64_t v) override { log += fmt::format("{}=u{} ", key, v); }
	void value(std::string_view key, bool v) override { log += fmt::format("{}={} ", key, v); }
	void value(std::string_view key, std::string_view v) override { log += fmt::format("{}='{}' ", key, v); }
	void null(std::string_view key) override { log += fmt::format("{}=null ", key); }
	void open_object(std::string_view key) override { log += fmt::format("{}{{ ", key); }
	void close_object() override { log += "} "; }
	void open_array(std::string_view key) override { log += fmt::format("{}[ ", key); }
	void close_array() override { log += "] "; }
};

} // namespace

TEST_CASE("JSON into a sink: the same calls, typed, and no text")
{
	Recorder sink;
	Printer out(sink);

	sample_into(out);
	CHECK(out.take().empty());
	CHECK(sink.log == "[ { mtu=s1500 only_json=true flags[ ='UP' ='LOWER_UP' ] empty{ } none=null "
			  "name='a\"b\\c\n' } ] ");
}

TEST_CASE("text form")
{
	CHECK(sample(false, false) == "mtu 1500 text-only <UP,LOWER_UP> @NONE a\"b\\c\n\n");
}

TEST_CASE("compact JSON")
{
	CHECK(sample(true, false) ==
	      R"([{"mtu":1500,"only_json":true,"flags":["UP","LOWER_UP"],"empty":{},"none":null,"name":"a\"b\\c\n"}])"
	      "\n");
}

TEST_CASE("pretty JSON, like ip -j -p")
{
	CHECK(sample(true, true) == R"([ {
        "mtu": 1500,
        "only_json": true,
        "flags": [ "UP","LOWER_UP" ],
        "empty": {},
        "none": null,
        "name": "a\"b\\c\n"
    } ]
)");
}

TEST_CASE("an empty list")
{
	Printer compact(true), pretty(true, true);

	compact.open_array("");
	compact.close_array();
	pretty.open_array("");
	pretty.close_array();
	CHECK(compact.take() == "[]\n");
	CHECK(pretty.take() == "[ ]\n");
}
