#include "dialog/intent_classifier.h"

#include <fasttext/fasttext.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/log.h"
#include "core/text.h"
#include "core/yaml_strict.h"

namespace kira::dialog {

Result<IntentExamples> LoadIntentExamples(const std::string& path) {
  // Strict: duplicate intents, aliases, control characters and oversized files are refused.
  KIRA_ASSIGN_OR_RETURN(YAML::Node root, LoadYamlStrict(path));
  if (!root.IsMap()) return Status::Invalid(path + ": expected intent: [examples...]");
  IntentExamples ex;
  for (const auto& kv : root) {
    std::string intent = kv.first.as<std::string>();
    if (!kv.second.IsSequence() || kv.second.size() == 0)
      return Status::Invalid(path + ": " + intent + ": expected a non-empty list of examples");
    for (const auto& e : kv.second) {
      if (!e.IsScalar()) return Status::Invalid(path + ": " + intent + ": examples must be text");
      ex[intent].push_back(e.Scalar());
    }
  }
  return ex;
}

std::string IntentClassifier::Features(const std::string& canonical) {
  std::string out;
  bool prev_digit = false;
  for (char c : canonical) {
    bool d = (c >= '0' && c <= '9') || (prev_digit && c == '.');
    if (d) {
      if (!prev_digit) out += '0';
    } else {
      out += c;
    }
    prev_digit = d;
  }
  return out;
}

namespace {

uint64_t Fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

IntentClassifier::~IntentClassifier() = default;

Result<std::unique_ptr<IntentClassifier>> IntentClassifier::Create(const IntentExamples& examples,
                                                                   const std::string& cache_dir) {
  std::unique_ptr<IntentClassifier> c(new IntentClassifier);
  std::string training;
  for (const auto& [intent, list] : examples) {
    c->intents_.push_back(intent);
    for (const auto& e : list) {
      std::string f = Features(text::Canonical(e));
      if (f.empty()) continue;
      // Repeat short corpora so fastText sees enough updates per label.
      training += "__label__" + intent + " " + f + "\n";
    }
  }
  char hash[32];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(Fnv1a(training)));
  std::string dir = cache_dir.empty() ? std::filesystem::temp_directory_path().string() : cache_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string model_path = dir + "/intents-" + hash + ".bin";
  c->ft_ = std::make_unique<fasttext::FastText>();
  try {
    if (!cache_dir.empty() && std::filesystem::exists(model_path)) {
      c->ft_->loadModel(model_path);
      return c;
    }
    std::string input = dir + "/intents-" + hash + "." + std::to_string(getpid()) + ".txt";
    {
      std::ofstream out(input, std::ios::binary);
      if (!out) return Status::Io("cannot write " + input);
      out << training;
    }
    fasttext::Args a;
    a.input = input;
    a.model = fasttext::model_name::sup;
    a.loss = fasttext::loss_name::softmax;
    a.minn = 2;
    a.maxn = 5;
    a.bucket = 50000;
    a.dim = 40;
    a.epoch = 80;
    a.lr = 0.5;
    a.wordNgrams = 2;
    a.minCount = 1;
    a.thread = 1;
    a.verbose = 0;
    a.seed = 7;
    c->ft_->train(a);
    std::filesystem::remove(input, ec);
    // Save and load back, so a freshly trained model and a cached one behave identically.
    std::string tmp = model_path + "." + std::to_string(getpid());
    c->ft_->saveModel(tmp);
    c->ft_ = std::make_unique<fasttext::FastText>();
    c->ft_->loadModel(tmp);
    if (cache_dir.empty())
      std::filesystem::remove(tmp, ec);
    else
      std::filesystem::rename(tmp, model_path, ec);
  } catch (const std::exception& e) {
    return Status::Internal(std::string("intent model training failed: ") + e.what());
  }
  return c;
}

IntentPrediction IntentClassifier::Classify(const std::string& canonical) const {
  IntentPrediction p;
  std::string f = Features(canonical);
  if (f.empty()) return p;
  std::istringstream in(f + "\n");
  std::vector<std::pair<fasttext::real, std::string>> preds;
  try {
    ft_->predictLine(in, preds, 2, 0.0);
  } catch (const std::exception& e) {
    log::Warn("nlu", std::string("prediction failed: ") + e.what());
    return p;
  }
  auto strip = [](const std::string& l) { return l.rfind("__label__", 0) == 0 ? l.substr(9) : l; };
  if (!preds.empty()) {
    p.intent = strip(preds[0].second);
    p.confidence = preds[0].first;
  }
  if (preds.size() > 1) {
    p.second = strip(preds[1].second);
    p.second_confidence = preds[1].first;
  }
  return p;
}

}  // namespace kira::dialog
