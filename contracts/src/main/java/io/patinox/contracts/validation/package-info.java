/**
 * The validator SPI: what one validator of a chain is ({@link io.patinox.contracts.validation.Validator}),
 * what it answers ({@link io.patinox.contracts.validation.Judgement}) and how a policy creates it
 * ({@link io.patinox.contracts.validation.ValidatorFactory}), and what a step that cannot be checked amounts to
 * ({@link io.patinox.contracts.validation.FailMode}). Plain Java: no framework types, so a validator
 * can be written, tested and evaluated without the validator service.
 */
package io.patinox.contracts.validation;
