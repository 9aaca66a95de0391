#include "corpus/conflict_gen.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include "corpus/consolidate.h"

namespace chiso {
namespace {

using nlohmann::json;

const char* const kIndicators[] = {"PAR_INDEX", "SIPAS", "PAPI", "PCI"};
constexpr int kNumIndicators = 4;
const char* const kLevels[] = {"province", "district", "commune"};

// SplitMix64: small, fast, and the same everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  double Unit() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
  bool Chance(double p) { return Unit() < p; }

 private:
  uint64_t s_;
};

double Round(double v, int d) {
  double p = std::pow(10.0, d);
  return std::round(v * p) / p;
}

std::string UnitName(int u) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "Gen %04d", u);
  return buf;
}
std::string UnitId(int u) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "gen-%04d", u);
  return buf;
}

// One year of one index: scores (2 decimals, distinct) and the ranks they give.
struct Ranking {
  std::vector<double> score;
  std::vector<int> rank;
};

Ranking MakeRanking(Rng& rng, int units) {
  Ranking r;
  // Distinct scores: a random permutation of distinct hundredths in 60..99.
  std::vector<int> cents;
  cents.reserve(units);
  std::vector<bool> used(4000, false);
  while (static_cast<int>(cents.size()) < units) {
    int c = 6000 + rng.Below(3999);
    if (units <= 3000 && used[c - 6000]) continue;
    used[c - 6000] = true;
    cents.push_back(c);
  }
  r.score.resize(units);
  for (int u = 0; u < units; ++u) r.score[u] = cents[u] / 100.0;
  std::vector<int> order(units);
  for (int u = 0; u < units; ++u) order[u] = u;
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    return r.score[a] != r.score[b] ? r.score[a] > r.score[b] : a < b;
  });
  r.rank.resize(units);
  for (int i = 0; i < units; ++i) r.rank[order[i]] = i + 1;
  return r;
}

struct Counts {
  int total = 0;
  int part[3] = {0, 0, 0};
};

// What a fact looked like in the documents, for the truth of cross-fact checks.
struct Reported {
  bool score = false, rank = false;
  int rank_value = 0;
};

class Generator {
 public:
  Generator(const ConflictGenOptions& o, const std::function<void(const json&)>& emit,
            ConflictGenTruth* truth)
      : o_(o), rng_(o.seed), emit_(emit), truth_(truth) {}

  void Run() {
    const int U = o_.units;
    std::vector<std::vector<Ranking>> rankings(kNumIndicators);  // [i][year index]
    std::vector<std::vector<Counts>> counts;                      // [year index][u]
    for (int yi = 0; yi < o_.years; ++yi) {
      for (int i = 0; i < kNumIndicators; ++i) rankings[i].push_back(MakeRanking(rng_, U));
      std::vector<Counts> cy(U);
      for (Counts& c : cy) {
        c.total = 300 + rng_.Below(2000);
        int rest = c.total - rng_.Below(c.total / 10 + 1);
        c.part[0] = rest * (40 + rng_.Below(30)) / 100;
        c.part[1] = (rest - c.part[0]) * (30 + rng_.Below(40)) / 100;
        c.part[2] = rest - c.part[0] - c.part[1];
        cy_total_check(c);
      }
      counts.push_back(std::move(cy));
    }
    // prev_clean[i][u][0 score, 1 rank]: year-1 majority was the true value.
    std::vector<std::vector<std::array<bool, 2>>> prev_clean(
        kNumIndicators, std::vector<std::array<bool, 2>>(U, {false, false}));
    for (int yi = 0; yi < o_.years; ++yi) {
      const int year = o_.first_year + yi;
      std::vector<std::vector<Reported>> reported(kNumIndicators, std::vector<Reported>(U));
      std::vector<std::vector<std::array<bool, 2>>> clean(
          kNumIndicators, std::vector<std::array<bool, 2>>(U, {false, false}));
      for (int u = 0; u < U; ++u) {
        Bundle(yi, year, u, rankings, counts, prev_clean, &reported, &clean);
      }
      // Rank/score inversions as reported.
      for (int i = 0; i < kNumIndicators; ++i) {
        const Ranking& r = rankings[i][yi];
        std::vector<int> units;
        for (int u = 0; u < U; ++u) {
          if (reported[i][u].score && reported[i][u].rank) units.push_back(u);
        }
        bool inverted = false;
        for (size_t a = 0; a < units.size() && !inverted; ++a) {
          for (size_t b = 0; b < units.size() && !inverted; ++b) {
            int x = units[a], y = units[b];
            if (r.score[x] > r.score[y] && reported[i][x].rank_value > reported[i][y].rank_value) {
              inverted = true;
            }
          }
        }
        if (inverted && truth_) {
          truth_->conflicts["rank_score_inversion|" + std::string(kIndicators[i]) + "||" +
                            std::to_string(year) + "||" + std::to_string(U) + "|scale=100"] = "";
        }
      }
      prev_clean = std::move(clean);
    }
  }

 private:
  static void cy_total_check(Counts& c) {
    if (c.part[0] + c.part[1] + c.part[2] > c.total) c.part[2] = c.total - c.part[0] - c.part[1];
  }

  json Subject(int u) const {
    return {{"kind", "province"}, {"name", UnitName(u)}, {"id", UnitId(u)}};
  }

  json Figure(const std::string& type, const char* indicator, int u, int year, double value) {
    json f;
    f["id"] = "f" + std::to_string(++fig_id_);
    f["type"] = type;
    f["indicator"] = indicator ? json(indicator) : json(nullptr);
    f["subject"] = Subject(u);
    f["year"] = year;
    f["value"] = value;
    f["approx"] = nullptr;
    f["span"] = {fig_id_ * 10, fig_id_ * 10 + 5};
    char text[64];
    std::snprintf(text, sizeof text, "%g", value);
    f["text"] = text;
    f["sentence"] = std::string("Câu sinh tự động về ") + UnitName(u) + " năm " + std::to_string(year) + ".";
    f["page"] = nullptr;
    f["rule"] = "gen";
    f["confidence"] = 0.9;
    return f;
  }

  json Score(const char* ind, int u, int year, double v) {
    json f = Figure("score", ind, u, year, v);
    f["unit"] = "percent";
    f["scale"] = 100;
    return f;
  }
  json Rank(const char* ind, int u, int year, int v) {
    json f = Figure("rank", ind, u, year, v);
    f["out_of"] = o_.units;
    f["scope"] = nullptr;
    return f;
  }
  json Change(const char* ind, int u, int year, const char* measure, double delta) {
    json f = Figure("change", ind, u, year, Round(std::fabs(delta), 2));
    bool up = std::string(measure) == "score" ? delta > 0 : delta < 0;  // rank up = smaller number
    f["direction"] = up ? "up" : "down";
    f["measure"] = measure;
    f["unit"] = std::string(measure) == "score" ? "points" : "places";
    f["from_year"] = year - 1;
    f["scope"] = nullptr;
    return f;
  }
  json Count(int u, int year, int value, const char* level) {
    json f = Figure("count", nullptr, u, year, value);
    f["object"] = "procedure";
    f["status"] = "total";
    f["level"] = level ? json(level) : json(nullptr);
    return f;
  }

  json Record(json figures) {
    char sha[65];
    uint64_t a = Rng(o_.seed * 1000003 + ++doc_id_).Next(), b = Rng(doc_id_ * 7919 + 17).Next();
    std::snprintf(sha, sizeof sha, "%016llx%016llx%016llx%016llx", static_cast<unsigned long long>(a),
                  static_cast<unsigned long long>(b), static_cast<unsigned long long>(a ^ b),
                  static_cast<unsigned long long>(doc_id_));
    if (o_.noise) {
      json unknown = Figure("score", "PAR_INDEX", 0, o_.first_year, 50 + rng_.Below(50));
      unknown["subject"] = {{"kind", "unknown"}, {"name", nullptr}, {"id", nullptr}};
      unknown["unit"] = "percent";
      unknown["scale"] = 100;
      figures.push_back(std::move(unknown));
      json yearless = Figure("rate", nullptr, rng_.Below(o_.units), o_.first_year, rng_.Below(100));
      yearless["year"] = nullptr;
      yearless["object"] = "dossier";
      yearless["status"] = "on_time";
      yearless["level"] = nullptr;
      figures.push_back(std::move(yearless));
    }
    char id[48];
    std::snprintf(id, sizeof id, "gen/%07llu.txt", static_cast<unsigned long long>(doc_id_));
    if (truth_) {
      ++truth_->records;
      truth_->figures += figures.size();
    }
    return {{"schema", "chiso/1"},
            {"doc", {{"id", id}, {"path", id}, {"sha256", sha}, {"format", "text"}, {"encoding", "UTF-8"},
                     {"title", ""}, {"date", nullptr}, {"subject", nullptr}, {"pages", nullptr}}},
            {"figures", std::move(figures)},
            {"warnings", json::array()},
            {"error", nullptr}};
  }

  void Expect(const json& figure, const std::string& explanation) {
    if (truth_) truth_->conflicts["value|" + FactKey(figure)] = explanation;
  }

  void Bundle(int yi, int year, int u, const std::vector<std::vector<Ranking>>& rankings,
              const std::vector<std::vector<Counts>>& counts,
              const std::vector<std::vector<std::array<bool, 2>>>& prev_clean,
              std::vector<std::vector<Reported>>* reported,
              std::vector<std::vector<std::array<bool, 2>>>* clean) {
    const int ndocs = 1 + rng_.Below(std::max(1, 2 * o_.sources_per_fact - 1));
    std::vector<json> docs(ndocs, json::array());
    std::vector<json> extra;  // planted single-figure documents
    const Counts& c = counts[yi][u];

    // Plants decided per fact up front (at most one per fact).
    for (int i = 0; i < kNumIndicators; ++i) {
      const char* ind = kIndicators[i];
      const Ranking& r = rankings[i][yi];
      const Ranking* prev = yi > 0 ? &rankings[i][yi - 1] : nullptr;
      const bool inversion = o_.p_inversion > 0 && rng_.Chance(o_.p_inversion);
      const int wrong_rank = std::min(o_.units, r.rank[u] + 1 + rng_.Below(3));
      int n_score = 0, n_rank = 0;
      bool change_score = false, change_rank = false;
      for (json& d : docs) {
        if (rng_.Chance(0.8)) {
          double v = rng_.Chance(o_.p_rounding) ? Round(r.score[u], 1) : r.score[u];
          d.push_back(Score(ind, u, year, v));
          ++n_score;
        }
        if (rng_.Chance(0.8)) {
          d.push_back(Rank(ind, u, year, inversion ? wrong_rank : r.rank[u]));
          ++n_rank;
        }
        if (prev && rng_.Chance(0.5) && r.score[u] != prev->score[u]) {
          d.push_back(Change(ind, u, year, "score", r.score[u] - prev->score[u]));
          change_score = true;
        }
        if (prev && rng_.Chance(0.5) && r.rank[u] != prev->rank[u]) {
          d.push_back(Change(ind, u, year, "rank", r.rank[u] - prev->rank[u]));
          change_rank = true;
        }
      }
      const bool planted_inversion = inversion && n_rank > 0 && wrong_rank != r.rank[u];
      if (planted_inversion && truth_) ++truth_->planted_inversions;
      Reported& rep = (*reported)[i][u];
      rep.score = n_score > 0;
      rep.rank = n_rank > 0;
      rep.rank_value = inversion ? wrong_rank : r.rank[u];
      (*clean)[i][u] = {n_score > 0, n_rank > 0 && !inversion};

      // typo: one more source with a wrong value.
      if (rng_.Chance(o_.p_typo)) {
        bool on_rank = rng_.Chance(0.5);
        if (!on_rank && n_score >= 2) {
          double v = 0;
          for (int tries = 0; tries < 20; ++tries) {
            double delta = (1 + rng_.Below(9)) * (rng_.Chance(0.5) ? 1 : -1);
            v = Round(r.score[u] + delta, 2);
            if (v > 100 || v < 0) continue;
            if (prev && std::fabs(v - prev->score[u]) < 0.5) continue;
            break;
          }
          if (v > 0 && v <= 100 && !ValuesAgree(v, r.score[u]) && !(prev && std::fabs(v - prev->score[u]) < 0.5)) {
            json f = Score(ind, u, year, v);
            Expect(f, "");
            extra.push_back(json::array({std::move(f)}));
            if (truth_) ++truth_->planted_typos;
          }
        } else if (on_rank && n_rank >= 2 && !inversion) {
          int v = r.rank[u] + (1 + rng_.Below(5)) * (rng_.Chance(0.5) ? 1 : -1);
          if (v >= 1 && v <= o_.units && !(prev && v == prev->rank[u])) {
            json f = Rank(ind, u, year, v);
            Expect(f, "");
            extra.push_back(json::array({std::move(f)}));
            if (truth_) ++truth_->planted_typos;
          }
        }
      } else if (prev && rng_.Chance(o_.p_year_shift)) {
        // year_shift: the year-1 value under year Y.
        bool on_rank = rng_.Chance(0.5);
        if (!on_rank && n_score >= 1 && std::fabs(prev->score[u] - r.score[u]) >= 0.2) {
          json f = Score(ind, u, year, prev->score[u]);
          Expect(f, change_score ? "change_arithmetic" : prev_clean[i][u][0] ? "year_shift" : "");
          extra.push_back(json::array({std::move(f)}));
          if (truth_) ++truth_->planted_shifts;
        } else if (on_rank && n_rank >= 1 && !inversion && prev->rank[u] != r.rank[u]) {
          json f = Rank(ind, u, year, prev->rank[u]);
          Expect(f, change_rank ? "change_arithmetic" : prev_clean[i][u][1] ? "year_shift" : "");
          extra.push_back(json::array({std::move(f)}));
          if (truth_) ++truth_->planted_shifts;
        }
      }
    }

    // Procedure counts, and parts exceeding the total.
    const bool exceed = rng_.Chance(o_.p_parts_exceed);
    int parts[3] = {c.part[0], c.part[1], c.part[2]};
    if (exceed) parts[2] += c.total - (c.part[0] + c.part[1] + c.part[2]) + 1 + rng_.Below(100);
    bool total_reported = false, part_reported[3] = {false, false, false};
    for (json& d : docs) {
      if (rng_.Chance(0.8)) {
        d.push_back(Count(u, year, c.total, nullptr));
        total_reported = true;
      }
      for (int l = 0; l < 3; ++l) {
        if (rng_.Chance(0.8)) {
          d.push_back(Count(u, year, parts[l], kLevels[l]));
          part_reported[l] = true;
        }
      }
    }
    if (total_reported) {
      long sum = 0;
      for (int l = 0; l < 3; ++l) sum += part_reported[l] ? parts[l] : 0;
      if (sum > c.total && truth_) {
        json total = Count(u, year, c.total, nullptr);
        truth_->conflicts["parts_exceed_total|" + FactKey(total)] = "";
        ++truth_->planted_parts;
      }
    }

    for (json& d : docs) {
      if (!d.empty()) emit_(Record(std::move(d)));
    }
    for (json& d : extra) emit_(Record(std::move(d)));
  }

  const ConflictGenOptions& o_;
  Rng rng_;
  const std::function<void(const json&)>& emit_;
  ConflictGenTruth* truth_;
  uint64_t doc_id_ = 0;
  int64_t fig_id_ = 0;
};

}  // namespace

void GenerateConflictCorpus(const ConflictGenOptions& options,
                            const std::function<void(const nlohmann::json&)>& emit,
                            ConflictGenTruth* truth) {
  if (truth) *truth = ConflictGenTruth{};
  if (options.units < 2 || options.years < 1) return;
  Generator(options, emit, truth).Run();
}

}  // namespace chiso
