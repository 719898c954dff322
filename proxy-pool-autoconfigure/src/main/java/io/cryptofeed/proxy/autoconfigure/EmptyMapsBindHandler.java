package io.cryptofeed.proxy.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Binds a map of the proxy properties written empty ({@code metadata:} or {@code metadata: {}}
 * in YAML, which Spring Boot reads as an empty value) as no entries, as Spring Boot binds an
 * empty list; Spring Boot 4.1.0 cannot convert it and fails the start (or the reload). Any
 * other failure, and every property outside {@code cryptofeed.proxy}, is left as it is.
 */
final class EmptyMapsBindHandler extends AbstractBindHandler {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of(ProxyProperties.PREFIX);

	EmptyMapsBindHandler(BindHandler parent) {
		super(parent);
	}

	@Override
	public Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error)
			throws Exception {
		if (PREFIX.isAncestorOf(name) && Map.class.isAssignableFrom(target.getType().toClass())
				&& writtenEmpty(context.getConfigurationProperty())) {
			return new LinkedHashMap<>();
		}
		return super.onFailure(name, target, context, error);
	}

	private static boolean writtenEmpty(ConfigurationProperty property) {
		return property != null && property.getValue() instanceof String value && value.isBlank();
	}

}
