#include "reports/history_jsonl.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace vsrsim::reports {

namespace {

using sim::HistoryEvent;
using sim::HistoryFunction;
using sim::HistoryType;

nlohmann::ordered_json Values(const HistoryEvent& event) {
  nlohmann::ordered_json values = nlohmann::ordered_json::array();
  for (std::uint8_t i = 0; i < event.count; i++) values.push_back(event.values[i]);
  return values;
}

nlohmann::ordered_json ValueOf(const HistoryEvent& event) {
  // info and fail carry the value of their invocation.
  const bool invocation = event.type != HistoryType::kOk;
  switch (event.f) {
    case HistoryFunction::kRegister:
      return invocation ? nlohmann::ordered_json::object()
                        : nlohmann::ordered_json{{"session", event.offset}};
    case HistoryFunction::kAppend:
      if (invocation) return {{"payload", Values(event)}};
      return {{"offset", event.offset}, {"count", event.count}};
    case HistoryFunction::kRead:
      if (invocation) return {{"offset", event.offset}, {"max", event.count}};
      return {{"offset", event.offset}, {"entries", Values(event)}};
  }
  return nlohmann::ordered_json::object();
}

template <typename Enum, typename NameOf>
std::optional<Enum> ByName(const std::string& name, NameOf name_of,
                           std::initializer_list<Enum> all) {
  for (const Enum value : all) {
    if (name == name_of(value)) return value;
  }
  return std::nullopt;
}

// Fills `event` from one history object; throws nlohmann's exceptions on a wrong shape.
bool ParseEvent(const nlohmann::json& line, HistoryEvent& event) {
  const auto type =
      ByName(line.at("type").get<std::string>(), sim::HistoryTypeName,
             {HistoryType::kInvoke, HistoryType::kOk, HistoryType::kFail, HistoryType::kInfo});
  const auto f =
      ByName(line.at("f").get<std::string>(), sim::HistoryFunctionName,
             {HistoryFunction::kRegister, HistoryFunction::kAppend, HistoryFunction::kRead});
  if (!type || !f) return false;
  event.type = *type;
  event.f = *f;
  event.process = line.at("process").get<std::uint32_t>();
  event.time_us = line.at("time_us").get<std::uint64_t>();
  const nlohmann::json& value = line.at("value");
  const bool invocation = event.type != HistoryType::kOk;
  const auto values = [&](const char* key) {
    const auto list = value.at(key).get<std::vector<std::uint64_t>>();
    if (list.size() > event.values.size()) return false;
    event.count = static_cast<std::uint8_t>(list.size());
    std::copy(list.begin(), list.end(), event.values.begin());
    return true;
  };
  switch (event.f) {
    case HistoryFunction::kRegister:
      if (!invocation) event.offset = value.at("session").get<std::uint64_t>();
      return true;
    case HistoryFunction::kAppend:
      if (invocation) return values("payload");
      event.offset = value.at("offset").get<std::uint64_t>();
      event.count = value.at("count").get<std::uint8_t>();
      return true;
    case HistoryFunction::kRead:
      event.offset = value.at("offset").get<std::uint64_t>();
      if (!invocation) return values("entries");
      event.count = value.at("max").get<std::uint8_t>();
      return true;
  }
  return false;
}

}  // namespace

std::string HistoryJsonLines(const sim::History& history) {
  std::string text;
  for (const HistoryEvent& event : history.events) {
    const nlohmann::ordered_json line = {{"type", sim::HistoryTypeName(event.type)},
                                         {"f", sim::HistoryFunctionName(event.f)},
                                         {"process", event.process},
                                         {"time_us", event.time_us},
                                         {"value", ValueOf(event)}};
    text += line.dump();
    text += '\n';
  }
  for (const sim::FinalRead& read : history.final_reads) {
    const nlohmann::ordered_json line = {
        {"type", "final-read"}, {"replica", read.replica}, {"entries", read.entries}};
    text += line.dump();
    text += '\n';
  }
  return text;
}

std::optional<sim::History> ParseHistoryJsonLines(std::string_view text, std::string& error) {
  sim::History history;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    line_number++;
    if (line.empty()) continue;
    try {
      const nlohmann::json object = nlohmann::json::parse(line);
      if (object.at("type") == "final-read") {
        history.final_reads.push_back({object.at("replica").get<std::uint32_t>(),
                                       object.at("entries").get<std::vector<std::uint64_t>>()});
        continue;
      }
      HistoryEvent event;
      if (!ParseEvent(object, event)) {
        error = fmt::format("line {}: unknown type or f, or too many entries", line_number);
        return std::nullopt;
      }
      history.events.push_back(event);
    } catch (const nlohmann::json::exception& exception) {
      error = fmt::format("line {}: {}", line_number, exception.what());
      return std::nullopt;
    }
  }
  return history;
}

}  // namespace vsrsim::reports
