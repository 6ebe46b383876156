package main

// The chart: grouped bars, one group per workload and one colour per linker,
// each bar the median wall time divided by the fastest linker's on that
// workload. Normalising per workload puts a 10 ms and a 1 s link on one
// axis. Plain string building keeps the tool free of dependencies.

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// linkerColours fixes each linker's colour across runs; ours stands out.
var linkerColours = map[string]string{
	"bfd":     "#8c8c8c",
	"gnugold": "#bcbd22",
	"lld":     "#1f77b4",
	"mold":    "#2ca02c",
	"gold":    "#d62728",
}

// chartCap bounds the axis: a linker 30× slower than the fastest would
// otherwise squash every other bar flat. Bars past it are cut and labelled.
const chartCap = 6.0

func (rep *Report) svg() string {
	const (
		barW, groupGap  = 16.0, 28.0
		left, right     = 56.0, 20.0
		top, plotH      = 100.0, 300.0
		bottom          = 40.0
		fallbackColours = "#9467bd,#17becf,#ff7f0e,#e377c2"
	)
	var keys []string // linker keys in column order, from the first workload that ran
	for _, w := range rep.Workloads {
		if len(w.Results) > 0 {
			for _, r := range w.Results {
				keys = append(keys, r.Linker)
			}
			break
		}
	}
	colour := func(i int) string {
		if c, ok := linkerColours[keys[i]]; ok {
			return c
		}
		fb := strings.Split(fallbackColours, ",")
		return fb[i%len(fb)]
	}

	ymax := 1.0
	for _, w := range rep.Workloads {
		best := w.fastest(func(*Result) bool { return true })
		for _, r := range w.Results {
			if r.ok() && best != nil {
				ymax = math.Max(ymax, r.wall()/best.wall())
			}
		}
	}
	ymax = math.Min(math.Ceil(ymax), chartCap)
	groupW := float64(len(keys))*barW + groupGap
	width := left + right + groupW*float64(len(rep.Workloads))
	width = math.Max(width, 520)
	height := top + plotH + bottom
	y := func(v float64) float64 { return top + plotH - v/ymax*plotH }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%.0f" y="20" font-size="14" font-weight="bold">Link wall time ÷ fastest linker on each workload (median of %d runs; lower is better)</text>`+"\n", left, rep.Runs)
	fmt.Fprintf(&b, `<text x="%.0f" y="37" font-size="11" fill="#555">%s · %d CPUs · generated N=%d</text>`+"\n", left, html.EscapeString(rep.Date), rep.CPUs, rep.GenN)

	// Legend.
	lx := left
	for i, label := range rep.Linkers {
		fmt.Fprintf(&b, `<rect x="%.0f" y="48" width="12" height="12" fill="%s"/><text x="%.0f" y="58" font-size="12">%s</text>`+"\n",
			lx, colour(i), lx+16, html.EscapeString(label))
		lx += 26 + 7*float64(len(label))
	}

	// Grid lines and the axis.
	step := 1.0
	if ymax <= 2 {
		step = 0.25
	} else if ymax <= 4 {
		step = 0.5
	}
	for v := 0.0; v <= ymax+1e-9; v += step {
		stroke := "#ddd"
		if v == 1 {
			stroke = "#444" // the fastest linker's level
		}
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="%s"/>`+"\n", left, width-right, y(v), y(v), stroke)
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" font-size="11" text-anchor="end">%g×</text>`+"\n", left-6, y(v)+4, v)
	}

	for g, w := range rep.Workloads {
		gx := left + groupGap/2 + float64(g)*groupW
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" font-size="11" text-anchor="middle">%s</text>`+"\n",
			gx+float64(len(keys))*barW/2, top+plotH+16, html.EscapeString(w.Name))
		best := w.fastest(func(*Result) bool { return true })
		for i, r := range w.Results {
			x := gx + float64(i)*barW
			if !r.ok() || best == nil {
				// A failed link gets a red cross where its bar would be.
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12" fill="#c00" text-anchor="middle">✗<title>%s: %s</title></text>`+"\n",
					x+barW/2, top+plotH-4, html.EscapeString(r.Label), html.EscapeString(r.Failed))
				continue
			}
			ratio := r.wall() / best.wall()
			shown := math.Min(ratio, ymax)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s on %s: %s s, %.2f× fastest, %.1f MiB RSS</title></rect>`+"\n",
				x+1, y(shown), barW-2, top+plotH-y(shown), colour(i), html.EscapeString(r.Label), html.EscapeString(w.Name), secs(r.wall()), ratio, r.rssMiB())
			if ratio > ymax {
				// A cut bar carries its value inside, in white.
				fmt.Fprintf(&b, `<text transform="translate(%.1f %.1f) rotate(-90)" font-size="9" fill="white" text-anchor="end" dominant-baseline="middle">↑%.1f</text>`+"\n",
					x+barW/2, top+4, ratio)
				continue
			}
			// Values stand upright above the bars, where they do not collide.
			fmt.Fprintf(&b, `<text transform="translate(%.1f %.1f) rotate(-90)" font-size="9" dominant-baseline="middle">%.2f</text>`+"\n",
				x+barW/2, y(shown)-3, ratio)
		}
	}
	fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#000"/>`+"\n", left, width-right, y(0), y(0))
	b.WriteString("</svg>\n")
	return b.String()
}
