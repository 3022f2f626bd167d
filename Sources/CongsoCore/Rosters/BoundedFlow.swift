/// Maximum flow (Dinic) with lower bounds on edges, for the roster's relaxation.
/// Written here because no graph library is on the package mirror; it is small and the
/// solver calls it thousands of times, so it keeps flat arrays and reuses its buffers.
struct BoundedFlow {
    private(set) var nodeCount: Int
    // Edge i and its reverse i ^ 1.
    private var to: [Int32] = []
    private var cap: [Int32] = []
    private var next: [Int32] = []
    private var head: [Int32]
    private var lower: [Int32] = []
    private var excess: [Int]
    private var level: [Int32] = []
    private var cursor: [Int32] = []

    init(nodes: Int) {
        nodeCount = nodes
        head = Array(repeating: -1, count: nodes + 2)
        excess = Array(repeating: 0, count: nodes + 2)
        to.reserveCapacity(nodes * 8)
        cap.reserveCapacity(nodes * 8)
        next.reserveCapacity(nodes * 8)
    }

    /// Adds u → v carrying between `low` and `high` units; returns the edge id.
    @discardableResult
    mutating func addEdge(_ u: Int, _ v: Int, low: Int = 0, high: Int) -> Int {
        let id = to.count
        to.append(Int32(v)); cap.append(Int32(high - low)); next.append(head[u]); head[u] = Int32(id); lower.append(Int32(low))
        to.append(Int32(u)); cap.append(0); next.append(head[v]); head[v] = Int32(id + 1); lower.append(0)
        if low > 0 { excess[v] += low; excess[u] -= low }
        return id
    }

    /// Flow on an edge after `feasible()` succeeded, lower bound included.
    func flow(_ edge: Int) -> Int { Int(cap[edge ^ 1]) + Int(lower[edge]) }

    /// Whether a circulation meets every bound, given an edge sink → source of unbounded
    /// capacity already added by the caller.
    mutating func feasible() -> Bool {
        let ss = nodeCount, tt = nodeCount + 1
        var need = 0
        for v in 0..<nodeCount {
            if excess[v] > 0 { addRaw(ss, v, excess[v]); need += excess[v] }
            else if excess[v] < 0 { addRaw(v, tt, -excess[v]) }
        }
        return maxFlow(ss, tt, limit: need) == need
    }

    private mutating func addRaw(_ u: Int, _ v: Int, _ c: Int) {
        let id = to.count
        to.append(Int32(v)); cap.append(Int32(c)); next.append(head[u]); head[u] = Int32(id); lower.append(0)
        to.append(Int32(u)); cap.append(0); next.append(head[v]); head[v] = Int32(id + 1); lower.append(0)
    }

    private mutating func maxFlow(_ s: Int, _ t: Int, limit: Int) -> Int {
        let n = nodeCount + 2
        level = Array(repeating: -1, count: n)
        cursor = Array(repeating: -1, count: n)
        var total = 0
        var queue = [Int32](repeating: 0, count: n)
        while total < limit {
            for i in 0..<n { level[i] = -1 }
            level[s] = 0
            var qh = 0, qt = 0
            queue[qt] = Int32(s); qt += 1
            while qh < qt {
                let u = Int(queue[qh]); qh += 1
                var e = head[u]
                while e >= 0 {
                    let v = Int(to[Int(e)])
                    if cap[Int(e)] > 0 && level[v] < 0 { level[v] = level[u] + 1; queue[qt] = Int32(v); qt += 1 }
                    e = next[Int(e)]
                }
            }
            if level[t] < 0 { break }
            for i in 0..<n { cursor[i] = head[i] }
            while total < limit {
                let f = push(s, t, limit - total)
                if f == 0 { break }
                total += f
            }
        }
        return total
    }

    // Iterative blocking-flow search would be faster still; paths here are at most five edges long.
    private mutating func push(_ u: Int, _ t: Int, _ f: Int) -> Int {
        if u == t { return f }
        while cursor[u] >= 0 {
            let e = Int(cursor[u])
            let v = Int(to[e])
            if cap[e] > 0 && level[v] == level[u] + 1 {
                let got = push(v, t, min(f, Int(cap[e])))
                if got > 0 {
                    cap[e] -= Int32(got); cap[e ^ 1] += Int32(got)
                    return got
                }
            }
            cursor[u] = next[e]
        }
        return 0
    }
}
