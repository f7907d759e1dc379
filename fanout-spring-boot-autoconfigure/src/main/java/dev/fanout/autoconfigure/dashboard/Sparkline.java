package dev.fanout.autoconfigure.dashboard;

import java.util.List;

import dev.fanout.FunctionInfo;

/**
 * A function's last hour as a small SVG bar chart, drawn on the server from numbers
 * alone: one bar of runs started per minute, its failed part in front.
 */
final class Sparkline {

	private static final int WIDTH = 180;

	private static final int HEIGHT = 30;

	private Sparkline() {
	}

	static String svg(FunctionInfo.Activity activity) {
		List<Integer> started = activity.started();
		List<Integer> failed = activity.failed();
		int max = 1;
		int total = 0;
		int failures = 0;
		for (int i = 0; i < started.size(); i++) {
			max = Math.max(max, Math.max(started.get(i), failed.get(i)));
			total += started.get(i);
			failures += failed.get(i);
		}
		double step = (double) WIDTH / Math.max(1, started.size());
		StringBuilder svg = new StringBuilder().append("<svg class=\"spark\" width=\"")
			.append(WIDTH)
			.append("\" height=\"")
			.append(HEIGHT)
			.append("\" viewBox=\"0 0 ")
			.append(WIDTH)
			.append(' ')
			.append(HEIGHT)
			.append("\" role=\"img\"><title>")
			.append(total)
			.append(" started, ")
			.append(failures)
			.append(" failed in the last hour</title><rect class=\"frame\" width=\"100%\" height=\"100%\"/>");
		for (int i = 0; i < started.size(); i++) {
			bar(svg, "started", i * step, step, started.get(i), max);
			bar(svg, "failed", i * step, step, failed.get(i), max);
		}
		return svg.append("</svg>").toString();
	}

	private static void bar(StringBuilder svg, String kind, double x, double width, int value, int max) {
		if (value <= 0) {
			return;
		}
		double height = Math.max(1, (double) value * HEIGHT / max);
		svg.append(String.format(java.util.Locale.ROOT,
				"<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>", kind, x, HEIGHT - height,
				Math.max(1, width - 1), height));
	}

}
