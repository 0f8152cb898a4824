// SPDX-License-Identifier: GPL-2.0
//
// vmux [ -force ] -batch FILE: one command per line, all on one netlink
// socket. The first failure stops the batch, unless -force.

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/core.h>

#include "commands.hpp"

namespace vmux {

std::vector<std::string> split_words(std::string_view line)
{
	std::vector<std::string> words;
	std::string word;
	bool in_word = false;
	char quote = '\0';

	for (std::size_t i = 0; i < line.size(); i++) {
		char c = line[i];

		if (quote) {
			if (c == quote)
				quote = '\0';
			else
				word += c;
		} else if (c == '"' || c == '\'') {
			quote = c;
			in_word = true;
		} else if (c == '#') {
			break;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_word)
				words.push_back(std::exchange(word, {}));
			in_word = false;
		} else {
			word += c;
			in_word = true;
		}
	}
	if (quote)
		throw UsageError("Error: unterminated quote");
	if (in_word)
		words.push_back(word);
	return words;
}

int read_command(std::istream &in, std::string &command)
{
	std::string line;
	int lines = 0;

	command.clear();
	while (std::getline(in, line)) {
		lines++;
		if (!line.ends_with('\\')) {
			command += line;
			return lines;
		}
		line.pop_back();
		command += line + " ";
	}
	return lines;
}

std::vector<std::filesystem::path> conf_files(const std::filesystem::path &dir, bool strict)
{
	std::vector<std::filesystem::path> out;
	std::error_code ec;
	std::filesystem::directory_iterator it(dir, ec);

	for (; !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
		if (it->path().extension() == ".conf")
			out.push_back(it->path());
	if (ec && strict)
		throw std::runtime_error(fmt::format("Cannot read directory \"{}\": {}", dir.string(),
						     ec.message()));
	std::ranges::sort(out);
	return out;
}

int run_batch(Context &ctx, std::string_view name, bool force)
{
	std::ifstream file;
	std::istream *in = &std::cin;
	std::string command;
	int lineno = 0;
	int status = 0;

	if (name != "-") {
		file.open(std::string(name));
		if (!file)
			throw std::runtime_error(fmt::format("Cannot open file \"{}\" for reading", name));
		in = &file;
	}
	while (int lines = read_command(*in, command)) {
		int first = lineno + 1;

		lineno += lines;
		try {
			std::vector<std::string> words = split_words(command);
			Args args(words);

			if (!words.empty())
				run_object(ctx, args);
			std::fflush(stdout);
		} catch (const HelpRequest &e) {
			emit(e.what());
		} catch (const std::exception &e) {
			emit_error(e.what());
			emit_error(fmt::format("Command failed {}:{}", name, first));
			status = 1;
			if (!force)
				break;
		}
	}
	return status;
}

} // namespace vmux
