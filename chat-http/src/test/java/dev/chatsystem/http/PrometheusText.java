package dev.chatsystem.http;

import java.util.NavigableMap;
import java.util.TreeMap;

/** Reads values out of a Prometheus text scrape: parsed, as a substring would take 0.5 or 20 for 0. */
final class PrometheusText {
    private PrometheusText() {}

    /** The value of the series named exactly {@code series} (name and labels), or -1 when it is missing. */
    static double value(String metrics, String series) {
        return metrics.lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1)))
                .findFirst()
                .orElse(-1);
    }

    /**
     * The cumulative counts of a histogram's buckets by their upper bound ({@code le}, {@code +Inf} as infinity):
     * {@code labels} are the series' labels before {@code le}, as in {@code method="GET",route="/health"}.
     */
    static NavigableMap<Double, Double> buckets(String metrics, String name, String labels) {
        String prefix = name + "_bucket{" + labels + ",le=\"";
        NavigableMap<Double, Double> buckets = new TreeMap<>();
        metrics.lines().filter(line -> line.startsWith(prefix)).forEach(line -> {
            int end = line.indexOf("\"}", prefix.length());
            String le = line.substring(prefix.length(), end);
            buckets.put(
                    le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
                    Double.parseDouble(line.substring(end + 3)));
        });
        return buckets;
    }
}
