# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The benchmark's plot, from the data files report.awk writes in dir:
#   gnuplot -e "dir='build/bench'" tests/bench/plot.gp > bench.svg
# Points and bars are medians; error bars span min to max.

if (!exists("dir")) dir = "build/bench"

set terminal svg size 1100,820 dynamic enhanced font "sans,11" background "white"
set encoding utf8
set multiplot layout 2,2 title "ndpresponder benchmark (make bench)" font ",14"
set grid ytics lc rgb "#dddddd"
set border 3
set tics nomirror
set key top left Left reverse samplen 2 font ",10"

# (a) per-packet cost
$targets << EOD
1000 50
1000000 100
EOD
set title "Per-packet cost over the empty XDP program"
set logscale x 10
set logscale y 2
set xrange [0.5:2000000]
set yrange [0.5:2048]
set xlabel "entries in the maps"
set ylabel "ns per packet (BPF\\_PROG\\_TEST\\_RUN)"
set format x "10^{%L}"
set key top left Left reverse samplen 2 font ",9" maxrows 4 width -2
plot dir."/prog.dat" using 1:2:3:4 with yerrorlines lw 2 pt 7 \
	title "matching NS, a new entry each time", \
     "" using 1:5:6:7 with yerrorlines lw 2 pt 5 \
	title "matching NS, the same entry", \
     "" using 1:8:9:10 with yerrorlines lw 2 pt 9 \
	title "matching NS, by prefix", \
     "" using 1:11:12:13 with yerrorlines lw 2 pt 11 \
	title "non-matching NS", \
     "" using 1:($14 > 0.5 ? $14 : 0.5):($15 > 0.5 ? $15 : 0.5):16 \
	with yerrorlines lw 2 pt 13 title "IPv6 TCP", \
     "" using 1:($17 > 0.5 ? $17 : 0.5):($18 > 0.5 ? $18 : 0.5):19 \
	with yerrorlines lw 2 pt 3 title "IPv4 UDP", \
     $targets using 1:2 with points pt 2 ps 2.5 lw 2 lc rgb "red" \
	title "targets for matching NS"
unset logscale
unset format x
set format x "%g"
unset xrange
unset yrange
set key top left Left reverse samplen 2 font ",10" maxrows -1 width 0

# (b) answers a second
set title "Answers a second over veth (one responder CPU)"
set style fill solid 0.6 border -1
set boxwidth 0.6
set logscale y 10
set yrange [0.01:20]
set xrange [-0.6:5.6]
set xlabel ""
set ylabel "millions of answers a second"
set xtics rotate by -20 noenhanced
plot dir."/flood.dat" using 0:2:xtic(1) with boxes lc rgb "#4a7ebb" notitle, \
     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 notitle, \
     "" using 0:2:(sprintf("%.2g", $2)) with labels offset 1.6,0.6 notitle
unset logscale
unset yrange
unset xrange
set xtics norotate enhanced

# (c) latency
set title "Latency NS to NA, one at a time at 1000/s"
set style data histogram
set style histogram errorbars gap 1 lw 1
set logscale y 10
set yrange [1:*]
set ylabel "microseconds"
set key top left
plot dir."/latency.dat" using 2:3:4:xtic(1) title "median" lc rgb "#4a7ebb", \
     "" using 5:6:7 title "99th percentile" lc rgb "#d9822b"
unset logscale
unset yrange

# (d) control plane
set title "Loading entries with 'prefix sync'"
set style data boxes
set boxwidth 0.5
set yrange [0:*]
set xrange [-0.6:1.6]
set ylabel "seconds"
plot dir."/control.dat" using 0:2:xtic(1) with boxes lc rgb "#6aa84f" notitle, \
     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 notitle, \
     "" using 0:2:(sprintf("%.2f s, maps %.0f MiB", $2, $5)) with labels \
	offset 0,1 notitle, \
     3 with lines dt 2 lc rgb "#888888" title "target: 3 s for 10^6"
unset multiplot
