package io.starling.broker.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rows of maps as a text table with a header line and columns as wide as their widest value. */
final class Table {
    private Table() {
    }

    /** {@code columns}: the keys to show, in order; their upper-cased names head the columns. */
    static String of(List<? extends Map<String, ?>> rows, String empty, String... columns) {
        if (rows.isEmpty()) {
            return empty;
        }
        int[] width = new int[columns.length];
        List<String[]> cells = new ArrayList<>();
        String[] header = new String[columns.length];
        for (int c = 0; c < columns.length; c++) {
            header[c] = columns[c].toUpperCase(java.util.Locale.ROOT);
            width[c] = header[c].length();
        }
        for (Map<String, ?> row : rows) {
            String[] line = new String[columns.length];
            for (int c = 0; c < columns.length; c++) {
                Object v = row.get(columns[c]);
                line[c] = v == null ? "-" : v.toString();
                width[c] = Math.max(width[c], line[c].length());
            }
            cells.add(line);
        }
        StringBuilder out = new StringBuilder();
        append(out, header, width);
        cells.forEach(line -> append(out, line, width));
        return out.toString().stripTrailing();
    }

    /** {@code name  value} lines, names aligned. */
    static String pairs(Map<String, ?> values) {
        int width = values.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder();
        values.forEach((k, v) -> out.append(String.format("%-" + width + "s  %s%n", k, v)));
        return out.toString().stripTrailing();
    }

    private static void append(StringBuilder out, String[] line, int[] width) {
        for (int c = 0; c < line.length; c++) {
            out.append(c == line.length - 1 ? line[c] : String.format("%-" + width[c] + "s  ", line[c]));
        }
        out.append('\n');
    }
}
