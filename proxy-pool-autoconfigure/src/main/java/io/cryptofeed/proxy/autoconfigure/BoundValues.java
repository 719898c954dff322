package io.cryptofeed.proxy.autoconfigure;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;

/**
 * Compares what Spring bound into two {@link ProxyProperties} objects. Spring binds an
 * exchange id written in two cases in two sources (Binance in YAML, BINANCE in a variable)
 * as two map entries holding the same values: equal values mean one exchange.
 */
final class BoundValues {

	private BoundValues() {
	}

	/** Whether two bound property objects hold equal values, field by field. */
	static boolean same(Object a, Object b) {
		if (a instanceof List<?> list && b instanceof List<?> other) {
			if (list.size() != other.size()) {
				return false;
			}
			for (int i = 0; i < list.size(); i++) {
				if (!same(list.get(i), other.get(i))) {
					return false;
				}
			}
			return true;
		}
		if (a instanceof Map<?, ?> map && b instanceof Map<?, ?> other) {
			return map.keySet().equals(other.keySet()) && map.entrySet()
				.stream()
				.allMatch((entry) -> same(entry.getValue(), other.get(entry.getKey())));
		}
		if (a == null || b == null || a.getClass() != b.getClass()) {
			return a == b;
		}
		if (!isProxyProperties(a.getClass())) {
			return a.equals(b);
		}
		for (Class<?> type = a.getClass(); type != Object.class; type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				if (Modifier.isStatic(field.getModifiers())) {
					continue;
				}
				field.setAccessible(true);
				try {
					if (!same(field.get(a), field.get(b))) {
						return false;
					}
				}
				catch (IllegalAccessException ex) {
					return false;
				}
			}
		}
		return true;
	}

	/** The properties classes compare field by field; the values they hold (strings, durations) by equals. */
	private static boolean isProxyProperties(Class<?> type) {
		for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
			if (c == ProxyProperties.class) {
				return true;
			}
		}
		return false;
	}

}
