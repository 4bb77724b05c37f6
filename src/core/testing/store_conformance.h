// What the conformance suites of the store interfaces (crm::CrmStore, crm::WorkspaceStore,
// catalog::CatalogStore) share: a factory that opens an implementation on a scratch directory,
// and a fixture that gives each test a fresh directory and a fresh store, and can close and
// reopen it on the same directory. Header-only; included by each layer's testing code.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "core/status.h"

namespace kira {

template <typename Store>
struct StoreFactory {
  std::string name;
  // Opens a store whose data lives in `scratch_dir` (an empty, existing directory).
  std::function<Result<std::unique_ptr<Store>>(const std::string& scratch_dir)> open;
  // Opening again with the same directory sees the same data.
  bool persistent = true;
};

template <typename Store>
void PrintTo(const StoreFactory<Store>& f, std::ostream* os) {
  *os << f.name;
}

template <typename Store>
std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory<Store>>& info) {
  return info.param.name;
}

template <typename Store>
class StoreConformance : public ::testing::TestWithParam<StoreFactory<Store>> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = (std::filesystem::temp_directory_path() /
            ("kira-conf-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Open();
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // Closes the store and opens it again on the same directory.
  void Reopen() {
    store_.reset();
    Open();
  }
  Store& store() { return *store_; }

  std::string dir_;
  std::unique_ptr<Store> store_;

 private:
  void Open() {
    auto s = this->GetParam().open(dir_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
};

}  // namespace kira
