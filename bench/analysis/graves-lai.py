"""
Asymptotic regret constants of an instance: per-context (Lai-Robbins, what bench:learning prints) and
under the additive model mean(s, i, a) = alpha(s, a) + beta(i, a) (Graves-Lai). A one-off analysis
behind bench/RESULTS.md, not part of the build: it needs python3 with numpy and scipy.

    python3 bench/analysis/graves-lai.py [instance.json]

The structured constant solves, per arm a, min sum_c eta_c gap_c subject to, for every context c where a is
suboptimal, x_c' H(eta)^-1 x_c <= gap_c^2 / 2 with H = sum_c eta_c x_c x_c' / var_c: the exploration
(pulls per ln T) that tells every suboptimal (context, arm) apart at the required confidence, where the
contexts in which a is optimal are pulled ~T times and so are free (Gaussian approximation of the KL).
"""
import json
import sys

import numpy as np
from scipy.optimize import minimize

path = sys.argv[1] if len(sys.argv) > 1 else "bench/instances/reference-instance.json"
spec = json.load(open(path))
segments, issues, arms = spec["segments"]["ids"], spec["issues"]["ids"], spec["arms"]["ids"]
contexts = [(s, i) for s in range(len(segments)) for i in range(len(issues))]
means = np.array([spec["mean"][f"{segments[s]}/{issues[i]}"] for s, i in contexts])
dim = 1 + len(segments) + len(issues)


def features(s, i):
    x = np.zeros(dim)
    x[0] = x[1 + s] = x[1 + len(segments) + i] = 1
    return x


X = np.array([features(s, i) for s, i in contexts])
best = means.max(axis=1)


def kl(p, q):
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


per_context = sum((best[c] - means[c, a]) / kl(means[c, a], best[c]) for c in range(len(contexts)) for a in range(len(arms)) if best[c] > means[c, a])
additive = 0.0
for a in range(len(arms)):
    gap = best - means[:, a]
    var = means[:, a] * (1 - means[:, a])
    free = sum(1e6 * np.outer(X[c], X[c]) / var[c] for c in range(len(contexts)) if gap[c] == 0) + 1e-6 * np.eye(dim)
    sub = [c for c in range(len(contexts)) if gap[c] > 0]
    H = lambda eta: free + sum(abs(e) * np.outer(X[c], X[c]) / var[c] for e, c in zip(eta, sub))
    constraints = [{"type": "ineq", "fun": (lambda eta, c=c: gap[c] ** 2 / 2 - X[c] @ np.linalg.solve(H(eta), X[c]))} for c in sub]
    results = [minimize(lambda eta: eta @ gap[sub], np.random.default_rng(k).uniform(10, 500, len(sub)), constraints=constraints,
                        bounds=[(0, None)] * len(sub), method="SLSQP", options={"maxiter": 500}) for k in range(20)]
    r = min((r for r in results if r.success), key=lambda r: r.fun)
    additive += r.fun
    print(f"{arms[a]}: {r.fun:.1f}  explored in " + ", ".join(f"{segments[contexts[c][0]]}/{issues[contexts[c][1]]} ({e:.0f}/ln T)" for e, c in zip(r.x, sub) if e > 1))
print(f"per-context Lai-Robbins C = {per_context:.1f}; additive-model Graves-Lai C = {additive:.1f}")
