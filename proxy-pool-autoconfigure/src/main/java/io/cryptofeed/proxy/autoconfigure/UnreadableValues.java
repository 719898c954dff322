package io.cryptofeed.proxy.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.env.Environment;

/**
 * Binds {@code cryptofeed.proxy} past every value that cannot be converted (a word where a
 * number belongs), leaving that property at its default and naming it, so that one report
 * holds every such value rather than the first: the user would otherwise fix one, restart,
 * and meet the next.
 */
final class UnreadableValues {

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of(ProxyProperties.PREFIX);

	private final ProxyProperties properties;

	private final List<ConfigurationViolation> violations;

	private UnreadableValues(ProxyProperties properties, List<ConfigurationViolation> violations) {
		this.properties = properties;
		this.violations = violations;
	}

	/** What the environment holds under {@code cryptofeed.proxy}, each value that cannot be converted left out. */
	static UnreadableValues bind(Environment environment) {
		List<ConfigurationViolation> violations = new ArrayList<>();
		ProxyProperties properties = Binder.get(environment)
			.bind(ProxyProperties.PREFIX, Bindable.ofInstance(new ProxyProperties()),
					new Skipping(new EmptyMapsBindHandler(BindHandler.DEFAULT), environment, violations))
			.orElseGet(ProxyProperties::new);
		return new UnreadableValues(properties, violations);
	}

	/** The properties, each value that could not be converted at its default. */
	ProxyProperties properties() {
		return this.properties;
	}

	/** One per value that could not be converted, shown masked, in the order Spring Boot met them. */
	List<ConfigurationViolation> violations() {
		return this.violations;
	}

	private static final class Skipping extends AbstractBindHandler {

		private final Environment environment;

		private final List<ConfigurationViolation> violations;

		Skipping(BindHandler parent, Environment environment, List<ConfigurationViolation> violations) {
			super(parent);
			this.environment = environment;
			this.violations = violations;
		}

		@Override
		public Object onFailure(ConfigurationPropertyName name, Bindable<?> target, BindContext context, Exception error)
				throws Exception {
			try {
				return super.onFailure(name, target, context, error);
			}
			catch (ConversionException ex) {
				if (!PREFIX.isAncestorOf(name)) {
					throw ex;
				}
				this.violations.add(violation(name, target, context.getConfigurationProperty()));
				// left unset: the property keeps its default, and the rest is bound and checked
				return null;
			}
		}

		private ConfigurationViolation violation(ConfigurationPropertyName name, Bindable<?> target,
				ConfigurationProperty property) {
			String written = (property != null && property.getValue() != null) ? property.getValue().toString()
					: written(name);
			String type = ProxyBindFailureAnalyzer.simpleName(target.getType().toString());
			String fix = ProxyBindFailureAnalyzer.action(name.toString(), target.getType().resolve(Object.class),
					(written != null) ? written.strip() : "");
			// on one line: a reload's ERROR line quotes it, and the YAML example of a pool spans several
			return new ConfigurationViolation(name.toString(),
					(written != null) ? ProxyBindFailureAnalyzer.shown(written) : null,
					"the value is not a valid " + type, fix.replaceAll("\\s*\\n\\s*", " "));
		}

		private String written(ConfigurationPropertyName name) {
			try {
				return this.environment.getProperty(name.toString());
			}
			catch (RuntimeException ex) {
				// a placeholder nothing resolves: no value to show
				return null;
			}
		}

	}

}
